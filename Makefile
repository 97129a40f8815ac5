# apigw: an etcd-native API gateway in the mould of Apache APISIX.
# Every target documents itself: `make help`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN      ?= mvn -B -ntp
ETCD_DIR ?= $(CURDIR)/.etcd
ETCD_URL ?= http://127.0.0.1:2379
JAR      := target/apigw.jar
CDS      := target/apigw.jsa
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

### help : show the targets
.PHONY: help
help:
	@awk 'BEGIN {FS = " : "} /^### / {sub(/^### /, ""); printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

### deps : install what building and testing need (Debian: etcd-server, etcd-client, redis-server; Maven and a JDK 17 are checked)
.PHONY: deps
deps:
	@command -v java >/dev/null || { echo "java not found: install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"; exit 1; }
	@command -v mvn >/dev/null || { echo "mvn not found: installing Debian's maven"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq maven; }
	@if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then \
	  echo "etcd not found: installing Debian's etcd-server and etcd-client"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client; \
	fi
	@# Debian starts etcd as a service on install; the project runs its own, so leave the port free
	@if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then $(SUDO) systemctl stop etcd || true; fi
	@# limit-count's redis policies are tested against real redis-server processes the tests start
	@if [ ! -x /usr/bin/redis-server ] || [ ! -x /usr/bin/redis-cli ]; then \
	  echo "redis not found: installing Debian's redis-server (brings redis-cli)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	fi
	@# as with etcd: Debian starts a redis service on 6379 that the tests do not use
	@if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then $(SUDO) systemctl stop redis-server || true; fi

### build : compile and package the gateway jar (no tests), then record its start-up classes (bin/cds-train)
.PHONY: build
build: $(JAR) $(CDS)

$(JAR): pom.xml $(shell find src/main -type f 2>/dev/null)
	$(MVN) -q package -DskipTests

# the class data archive bin/apisix maps at start; optional: a failed training only costs start-up time
$(CDS): $(JAR) bin/cds-train
	@bin/cds-train || echo "make: no class data archive; the gateway starts without one"

### etcd : start a local etcd with its data in .etcd/ (reuses one already answering on 2379)
.PHONY: etcd
etcd: deps
	@if ETCDCTL_API=3 etcdctl --endpoints=$(ETCD_URL) endpoint health >/dev/null 2>&1; then \
	  echo "etcd already running at $(ETCD_URL)"; \
	else \
	  mkdir -p $(ETCD_DIR); \
	  nohup etcd --name apigw-dev --data-dir $(ETCD_DIR)/data \
	    --listen-client-urls $(ETCD_URL) --advertise-client-urls $(ETCD_URL) \
	    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
	    --initial-cluster apigw-dev=http://127.0.0.1:2380 >$(ETCD_DIR)/etcd.log 2>&1 & echo $$! > $(ETCD_DIR)/etcd.pid; \
	  for i in $$(seq 1 100); do \
	    ETCDCTL_API=3 etcdctl --endpoints=$(ETCD_URL) endpoint health >/dev/null 2>&1 && break; sleep 0.1; \
	  done; \
	  ETCDCTL_API=3 etcdctl --endpoints=$(ETCD_URL) endpoint health >/dev/null 2>&1 \
	    || { echo "etcd did not start; see $(ETCD_DIR)/etcd.log"; exit 1; }; \
	  echo "etcd started at $(ETCD_URL) (pid $$(cat $(ETCD_DIR)/etcd.pid), data in $(ETCD_DIR)/data)"; \
	fi

### stop-etcd : stop the etcd started by `make etcd`
.PHONY: stop-etcd
stop-etcd:
	@if [ -f $(ETCD_DIR)/etcd.pid ]; then kill $$(cat $(ETCD_DIR)/etcd.pid) 2>/dev/null || true; rm -f $(ETCD_DIR)/etcd.pid; echo "etcd stopped"; fi

### run : start a local etcd, build, and run the gateway in the foreground with conf/config.yaml
.PHONY: run
run: deps etcd build
	bin/apisix start --foreground -c conf/config.yaml

### test : run every test: unit tests, then the black-box suite in t/ against the real bin/apisix
.PHONY: test
test: deps
	$(MVN) verify

### bench : benchmark the gateway against nginx (benchmark/run.sh; installs nginx, wrk, gnuplot; ~25 min; BENCH_ARGS=... passes options)
.PHONY: bench
bench: deps build
	benchmark/run.sh $(BENCH_ARGS)

### clean : remove build output and runtime files
.PHONY: clean
clean:
	$(MVN) -q clean
	rm -rf logs
