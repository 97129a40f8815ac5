package org.apigw.plugin;

/** A {@link ServedRequest} with settable values, for log-phase plugin tests. */
public final class FakeServed implements ServedRequest {

  public long startMillis = 1_700_000_000_000L;
  public double latencyMillis = 12.5;
  public double upstreamLatencyMillis = 10;
  public String upstreamAddr = "127.0.0.1:1980";
  public String balancerIp = "127.0.0.1";
  public int upstreamStatus = 200;
  public boolean fromUpstream = true;
  public long requestLength = 100;
  public long bytesSent = 250;
  public long bodyBytesSent = 150;
  public String matchedUri = "/hello";
  public String matchedHost = "";

  @Override public long startMillis() { return startMillis; }
  @Override public double latencyMillis() { return latencyMillis; }
  @Override public double upstreamLatencyMillis() { return upstreamLatencyMillis; }
  @Override public String upstreamAddr() { return upstreamAddr; }
  @Override public String balancerIp() { return balancerIp; }
  @Override public int upstreamStatus() { return upstreamStatus; }
  @Override public boolean fromUpstream() { return fromUpstream; }
  @Override public long requestLength() { return requestLength; }
  @Override public long bytesSent() { return bytesSent; }
  @Override public long bodyBytesSent() { return bodyBytesSent; }
  @Override public String matchedUri() { return matchedUri; }
  @Override public String matchedHost() { return matchedHost; }
}
