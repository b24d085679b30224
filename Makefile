# pulumi-speck: build, test and run the provider. `make help` lists the targets.
VERSION      := 0.1.0
CONFIG       ?= Release
OUT          := out
PROVIDER_BIN := $(OUT)/provider/pulumi-resource-speck
PLUGIN_DIR   := $(or $(PULUMI_HOME),$(HOME)/.pulumi)/plugins/resource-speck-v$(VERSION)

.PHONY: help build provider schema test unit wire demo install clean

help:
	@echo "make demo      deploy the example pipeline on local sites and show data flowing"
	@echo "make test      all tests: unit, schema, wire conformance (@pulumi/pulumi stubs), harness end-to-end"
	@echo "make provider  build the provider binary into $(OUT)/provider"
	@echo "make schema    regenerate schema.json from the C# resource types"
	@echo "make install   install the plugin for a local pulumi CLI"

build:
	dotnet build pulumi-speck.sln -c $(CONFIG) --nologo -v q

provider:
	dotnet publish provider/pulumi-resource-speck -c $(CONFIG) -o $(OUT)/provider --nologo -v q

schema: provider
	$(PROVIDER_BIN) --emit-schema > schema.json

tests/wire/node_modules: tests/wire/package-lock.json
	npm ci --prefix tests/wire --no-audit --no-fund
	@touch $@

tests/nodered/node_modules: tests/nodered/package-lock.json
	npm ci --prefix tests/nodered --no-audit --no-fund
	@touch $@

test: tests/wire/node_modules tests/nodered/node_modules
	bash tests/run-tests.sh

demo: provider tests/nodered/node_modules
	bash examples/demo.sh

install: provider
	@if command -v pulumi >/dev/null; then \
		pulumi plugin install resource speck $(VERSION) --file $(PROVIDER_BIN); \
	else \
		mkdir -p $(PLUGIN_DIR) && cp $(OUT)/provider/* $(PLUGIN_DIR)/ && echo "installed into $(PLUGIN_DIR)"; \
	fi

clean:
	rm -rf $(OUT)
	dotnet clean pulumi-speck.sln --nologo -v q
