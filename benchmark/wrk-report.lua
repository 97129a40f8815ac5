-- wrk script of benchmark/run.sh.
--
-- BENCH_TARGETS (optional): "path|host;path|host;..." — requests cycle through these paths, each
-- with its Host header (empty host: wrk's default). Without it, wrk requests the URL it was given.
-- done() prints one machine-readable line, WRKJSON {...}, latencies in microseconds.

local targets = os.getenv("BENCH_TARGETS")
local reqs = {}
local n = 0

if targets and targets ~= "" then
  init = function(args)
    for item in string.gmatch(targets, "[^;]+") do
      local path, host = string.match(item, "^([^|]*)|?(.*)$")
      local headers = {}
      if host ~= nil and host ~= "" then
        headers["Host"] = host
      end
      table.insert(reqs, wrk.format("GET", path, headers))
    end
  end
  request = function()
    n = n + 1
    return reqs[(n % #reqs) + 1]
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"err_connect":%.0f,"err_read":%.0f,' ..
    '"err_write":%.0f,"err_status":%.0f,"err_timeout":%.0f,"p50":%.0f,"p90":%.0f,"p99":%.0f,' ..
    '"p999":%.0f,"max":%.0f,"mean":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
