-- wrk script: POST a one-minute time entry on one of the projects in $MESURE_PROJECTS (comma-
-- separated ids), each request on the next project and on another day, so that concurrent
-- requests rarely share a project (their writes then take different row locks).
local counter = 0
local thread_id = 0
local projects = {}
for id in string.gmatch(os.getenv("MESURE_PROJECTS") or "", "[^,]+") do
  table.insert(projects, id)
end
function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
function request()
  counter = counter + 1
  local n = counter * 2 + tid
  local project = projects[(n % #projects) + 1]
  local date = os.date("!%Y-%m-%d", 1796083200 - (n % 4000) * 86400)
  local body = string.format('{"project_id":"%s","date":"%s","minutes":1,"note":"load %d"}', project, date, n)
  return wrk.format("POST", "/api/v1/time-entries", {["Content-Type"] = "application/json", ["Authorization"] = wrk.headers["Authorization"]}, body)
end
