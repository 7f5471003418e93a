-- PATCH a random task to a random column and position (a board's drag and drop).
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
local auth = os.getenv("AUTH_HEADER")
local statuses = { "todo", "doing" }
math.randomseed(os.time())
request = function()
  local id = ids[math.random(#ids)]
  local body = string.format('{"status":"%s","position":%d.5}', statuses[math.random(2)], math.random(1, 1000000))
  return wrk.format("PATCH", "/api/v1/tasks/" .. id,
                    { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end
