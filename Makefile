# Ruche: the three commands of ../shared/API.md.
#   make build  - installs what is missing, builds; the server is build/ruche
#   make run    - builds, then serves on http://127.0.0.1:8080 with SQLite in ./data
#   make test   - installs what is missing, builds, runs every test
# WERROR=ON turns warnings into errors (CI sets it).

WERROR ?= OFF
PRESET ?= release
CMAKE_FLAGS := -DCMAKE_COMPILE_WARNING_AS_ERROR=$(WERROR)
export CCACHE_SLOPPINESS := pch_defines,time_macros

.PHONY: build run test deps deps-test server web clean

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

server:
	@cmake --preset $(PRESET) $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset $(PRESET)

web:
	@scripts/web.sh build

build: deps server web

run: build
	build/ruche serve

test: deps-test server web
	@scripts/test.sh

clean:
	rm -rf build build-debug build-asan web/dist
