-- wrk script: POST a one-minute time entry on the project in $MESURE_PROJECT, each request on
-- another day (walking back from 2026-11-30) so that no day passes 24 hours.
local counter = 0
local thread_id = 0
local project = os.getenv("MESURE_PROJECT")
function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
function request()
  counter = counter + 1
  local n = counter * 2 + tid
  local date = os.date("!%Y-%m-%d", 1796083200 - (n % 4000) * 86400)
  local body = string.format('{"project_id":"%s","date":"%s","minutes":1,"note":"load %d"}', project, date, n)
  return wrk.format("POST", "/api/v1/time-entries", {["Content-Type"] = "application/json", ["Authorization"] = wrk.headers["Authorization"]}, body)
end
