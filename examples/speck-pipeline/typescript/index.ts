// examples/speck-pipeline as TypeScript: the SpecK document as it is, read from a file, its addresses mapped to local
// engines and brokers. `pulumi config set document ../listing-1.2.yaml` adapts the pipeline to Listing 1.2.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as speck from "@speck/pulumi-speck";

const config = new pulumi.Config();
const document = config.get("document") ?? "../listing-1.1.yaml";
const jarDir = config.get("jarDir") ?? "../jars";

// The paper's Grid'5000 hosts, each to a local Flink JobManager and Mosquitto (ports as in ../Pulumi.yaml).
const engines = ["172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7", "172.16.177.20"];
const brokers = ["172.16.39.7", "172.16.48.8", "172.16.192.18", "172.16.177.7", "172.16.193.22"];
const key = (kind: string, host: string) => `${kind}_${host.split(".").slice(2).join("_")}`; // flink_39_7, as in ../Pulumi.yaml
const addressMap: Record<string, string> = {};
engines.forEach((host, i) => addressMap[`http://${host}:8081/`] = config.get(key("flink", host)) ?? `http://127.0.0.1:${8081 + i}`);
brokers.forEach((host, i) => addressMap[`tcp://${host}:1883`] = config.get(key("mqtt", host)) ?? `mqtt://127.0.0.1:${1883 + i}`);

const pipeline = new speck.Pipeline("pipeline", {
    document: fs.readFileSync(document, "utf8"),
    jars: Object.fromEntries([1, 2, 3, 4].map(i => [`/usr/src/app/jars/test-${i}.jar`, `${jarDir}/test-${i}.jar`])),
    addressMap,
    savepointDirectory: config.get("savepointDir") ?? "/tmp/speck-savepoints",
});

export const jobs = pipeline.jobs;
export const externalInputs = pipeline.externalInputs;
export const cState = pipeline.jobs.apply(j => j["C"]?.state);
