-- wrk script: POST a new client with a unique name on every request.
local counter = 0
local thread_id = 0
function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
function request()
  counter = counter + 1
  local body = string.format('{"name":"Bench client %d-%d-%d","segment":"Bench"}', tid, counter, math.random(1, 1000000000))
  return wrk.format("POST", "/api/v1/clients", {["Content-Type"] = "application/json", ["Authorization"] = wrk.headers["Authorization"]}, body)
end
