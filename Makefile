# pulumi-speck: build, test and run the provider. `make help` lists the targets.
VERSION      := 0.1.0
CONFIG       ?= Release
OUT          := out
PROVIDER_BIN := $(OUT)/provider/pulumi-resource-speck
RID          := linux-x64
PLUGIN_TGZ   := $(OUT)/pulumi-resource-speck-v$(VERSION)-linux-amd64.tar.gz
PLUGIN_DIR   := $(or $(PULUMI_HOME),$(HOME)/.pulumi)/plugins/resource-speck-v$(VERSION)

.PHONY: help build provider plugin schema sdk test unit fmtcheck fmt demo install clean bench bench-load experiment system-deps fuzz

help:
	@echo "make demo      deploy the example pipeline on local sites and show data flowing"
	@echo "make test      all tests: unit, schema, wire conformance (@pulumi/pulumi stubs), harness end-to-end"
	@echo "make unit      the fast tests: no broker, engine, provider process or npm package (Category=Unit)"
	@echo "make fmtcheck  the C# follows .editorconfig (make fmt applies it)"
	@echo "make provider  build the NativeAOT provider binary into $(OUT)/provider"
	@echo "make plugin    the plugin tarball for \`pulumi plugin install resource speck $(VERSION) --file ...\`"
	@echo "make schema    regenerate schema.json from the C# resource types"
	@echo "make sdk       regenerate sdk/dotnet and sdk/nodejs from schema.json (tools/Speck.SdkGen)"
	@echo "make fuzz      10,000 seeded malformed requests to every RPC (FUZZ_SEED=n; make test runs a few hundred)"
	@echo "make install   install the plugin for a local pulumi CLI"
	@echo "make bench     benchmarks into docs/benchmarks.md and docs/benchmarks.png (BENCH_FLAGS=--quick for a short run)"
	@echo "make experiment fog against cloud placement on namespaced sites behind a limited WAN (root) into docs/fog-vs-cloud.md"
	@echo "make bench-load the load section alone (100, 300, 1,000 jobs over 20 sites) into $(OUT)/benchmarks-load.md"

build:
	dotnet build pulumi-speck.sln -c $(CONFIG) --nologo -v q

provider:
	dotnet publish provider/pulumi-resource-speck -c $(CONFIG) -r $(RID) -o $(OUT)/provider --nologo -v q
	@rm -f $(OUT)/provider/*.dbg $(OUT)/provider/*.pdb

# The layout `pulumi plugin install --file` takes: the binary at the archive's root.
plugin: provider
	tar -czf $(PLUGIN_TGZ) -C $(OUT)/provider pulumi-resource-speck $$(cd $(OUT)/provider && ls *.so 2>/dev/null)
	@echo $(PLUGIN_TGZ)

schema: provider
	$(PROVIDER_BIN) --emit-schema > schema.json

# The SDKs `pulumi package gen-sdk` would write, by this project's generator (docs/sdk-generation.md).
sdk:
	dotnet run --project tools/Speck.SdkGen -c $(CONFIG) -- schema.json sdk

# Mosquitto (with mosquitto_ctrl for dynamic security) from Debian: the tests and the demo start their own brokers.
system-deps:
	@command -v mosquitto >/dev/null && command -v mosquitto_ctrl >/dev/null || { \
		echo "installing mosquitto and mosquitto-clients from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null; }

tests/wire/node_modules: tests/wire/package-lock.json
	npm ci --prefix tests/wire --no-audit --no-fund
	@touch $@

tests/nodered/node_modules: tests/nodered/package-lock.json
	npm ci --prefix tests/nodered --no-audit --no-fund
	@touch $@

tests/sdk-typecheck/node_modules: tests/sdk-typecheck/package-lock.json
	npm ci --prefix tests/sdk-typecheck --no-audit --no-fund
	@touch $@

test: system-deps tests/wire/node_modules tests/nodered/node_modules tests/sdk-typecheck/node_modules
	bash tests/run-tests.sh

# Tests that need nothing but .NET: a test class that starts no broker, engine, provider process or node program
# carries [Trait("Category", "Unit")].
unit:
	dotnet test tests/Speck.Tests -c $(CONFIG) --nologo -v q --filter "Category=Unit"

# The house style is .editorconfig; the check changes nothing, `make fmt` applies it.
fmtcheck:
	dotnet format whitespace pulumi-speck.sln --verify-no-changes -v q

fmt:
	dotnet format whitespace pulumi-speck.sln -v q

# Every request gets a clear answer: no crash, hang, UNKNOWN or INTERNAL (tests/wire/fuzz.js says what it checks).
FUZZ_SEED  ?= 1
FUZZ_COUNT ?= 10000
fuzz: provider tests/wire/node_modules
	cd tests/wire && node --stack-size=6000 fuzz.js ../../$(PROVIDER_BIN) $(FUZZ_SEED) $(FUZZ_COUNT)

demo: system-deps provider tests/nodered/node_modules tests/wire/node_modules
	bash examples/demo.sh

install: plugin
	@if command -v pulumi >/dev/null; then \
		pulumi plugin install resource speck $(VERSION) --file $(PLUGIN_TGZ); \
	else \
		mkdir -p $(PLUGIN_DIR) && cp $(OUT)/provider/* $(PLUGIN_DIR)/ && echo "installed into $(PLUGIN_DIR)"; \
	fi

# Never part of `make test`: measures the JIT build against the NativeAOT one, and chains of jobs through the harness.
JIT_DIR := $(OUT)/provider-jit
bench: provider
	dotnet build provider/pulumi-resource-speck -c $(CONFIG) -o $(JIT_DIR) --nologo -v q
	dotnet build tests/Speck.Bench -c $(CONFIG) --nologo -v q
	dotnet tests/Speck.Bench/bin/$(CONFIG)/net10.0/speck-bench.dll --jit $(JIT_DIR)/pulumi-resource-speck \
		--aot $(PROVIDER_BIN) --out docs/benchmarks.md $(BENCH_FLAGS)

# The load section alone (part of `make bench` too): its own report, to merge into docs/benchmarks.md by hand.
bench-load: provider
	dotnet build tests/Speck.Bench -c $(CONFIG) --nologo -v q
	dotnet tests/Speck.Bench/bin/$(CONFIG)/net10.0/speck-bench.dll --aot $(PROVIDER_BIN) --load \
		--out $(OUT)/benchmarks-load.md $(BENCH_FLAGS)

# Never part of the tests: about 20 minutes at the defaults (EXPERIMENT_FLAGS=--quick for a 3-minute check). Needs root (ip netns, tc).
experiment: provider system-deps tests/nodered/node_modules
	dotnet build tests/Speck.Bench -c $(CONFIG) --nologo -v q
	SPECK_PROVIDER=$(abspath $(PROVIDER_BIN)) dotnet tests/Speck.Bench/bin/$(CONFIG)/net10.0/speck-bench.dll fog $(EXPERIMENT_FLAGS)

clean:
	rm -rf $(OUT)
	dotnet clean pulumi-speck.sln --nologo -v q
