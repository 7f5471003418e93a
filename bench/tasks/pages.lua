-- GET the board's pages in turn: PATH_PREFIX .. offset (env PAGES pages of LIMIT).
local prefix = os.getenv("PAGE_PREFIX")
local pages = tonumber(os.getenv("PAGES"))
local limit = tonumber(os.getenv("LIMIT"))
local suffix = os.getenv("PAGE_SUFFIX") or ""
local auth = os.getenv("AUTH_HEADER")
local i = 0
request = function()
  local path = prefix .. ((i % pages) * limit) .. suffix
  i = i + 1
  local headers = {}
  if auth and auth ~= "" then headers["Authorization"] = auth end
  return wrk.format("GET", path, headers)
end
