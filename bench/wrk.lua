-- One wrk script for every scenario; the scenario and its data come as arguments:
--   wrk ... -s bench/wrk.lua URL -- SCENARIO IDS_FILE NAMES RUN
-- URL's path is the collection (the access packages), the same for every target.
-- health  GET /_emulator/health (the pipeline with no handler work; the ceiling answers it too)
-- create  POST the seed body with a displayName unique to this run, thread and request
-- get     GET an access package by id, cycling through IDS_FILE
-- eq      list with $filter=displayName eq '<one of NAMES packages>'
-- contains list with $filter=contains(displayName,'<digits>')
-- mixed   80 % get (IDS_FILE), 20 % create
-- TENANTS (a fifth argument, default 0): when above 0, requests go round-robin to that
-- many tenants (X-Emulator-Tenant: bench-N.tenants.test).
-- done() prints one line "BENCH_JSON {...}" that bench/run.py reads.

local base
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer bench",
}
local threads = {}
local counter = 0
local scenario, ids, names, run, tenants

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local function read_ids(path)
  local list = {}
  for line in io.lines(path) do
    if #line > 0 then table.insert(list, line) end
  end
  return list
end

function init(args)
  base = wrk.path
  scenario = args[1] or "create"
  if args[2] and args[2] ~= "" then ids = read_ids(args[2]) end
  names = tonumber(args[3] or "0")
  -- Names must not repeat across runs against one database.
  run = args[4] or "0"
  tenants = tonumber(args[5] or "0")
  -- Different threads walk the data from different places.
  math.randomseed(thread_id * 7919)
end

local function create()
  counter = counter + 1
  local body = string.format(
    '{"catalogId":"aa2f6514-3232-46e7-a08a-2411ad8d7128","displayName":"bench %s-%d-%d",' ..
    '"description":"outside sales representatives","isHidden":false}',
    run, thread_id, counter)
  if tenants > 0 then
    headers["X-Emulator-Tenant"] = string.format("bench-%d.tenants.test", counter % tenants)
  end
  return wrk.format("POST", base, headers, body)
end

local function get()
  counter = counter + 1
  return wrk.format("GET", base .. "/" .. ids[(counter % #ids) + 1], headers)
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function list(filter)
  return wrk.format("GET", base .. "?$filter=" .. encode(filter), headers)
end

function request()
  if scenario == "create" then
    return create()
  elseif scenario == "health" then
    return wrk.format("GET", "/_emulator/health", headers)
  elseif scenario == "get" then
    return get()
  elseif scenario == "eq" then
    return list(string.format("displayName eq 'bench package %06d'", math.random(0, names - 1)))
  elseif scenario == "contains" then
    return list(string.format("contains(displayName,'%05d')", math.random(0, 99999)))
  elseif scenario == "mixed" then
    if math.random() < 0.8 then return get() else return create() end
  end
  error("unknown scenario " .. tostring(scenario))
end

-- wrk counts a status of 400 or more as an error; which statuses came back is checked
-- outside wrk (bench/benchlib/checks.py: rows stored against answers, pages non-empty),
-- because a response() callback here would copy every body into Lua and slow every target.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"errors":%d,"status_errors":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, e.status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
