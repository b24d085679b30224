import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as speck from "@speck/pulumi-speck";

type Tier = speck.types.enums.Tier;
type SpeKind = speck.types.enums.SpeKind;

const config = new pulumi.Config();
// The Node-RED function bodies ../Pulumi.yaml reads too (fn::readFile); beside the program in a working copy.
const fn = (name: string) => fs.readFileSync(path.join(functionsDir(), `${name}.js`), "utf8");
function functionsDir(): string {
    const here = path.join(__dirname, "functions");
    return fs.existsSync(here) ? here : path.join(__dirname, "..", "functions");
}
const clean = fn("clean");
const count = fn("count");

// A site gives where its engine and broker are; logins come from `speck:credentials` by URL.
function site(name: string, tier: Tier): speck.SpeSite {
    return new speck.SpeSite(name, {
        tier,
        spe: { kind: (config.get(`${name}SpeKind`) ?? "nodered") as SpeKind, url: config.require(`${name}SpeUrl`) },
        broker: { kind: "mqtt", url: config.require(`${name}BrokerUrl`) },
    });
}
const topic = (name: string, on: speck.SpeSite, topicName: string) =>
    new speck.Topic(name, { site: on.connection, name: topicName });
const job = (name: string, on: speck.SpeSite, from: speck.Topic, to: speck.Topic, nodeRed: speck.types.input.NodeRedProcessingArgs) =>
    new speck.StreamJob(name, { site: on.connection, sources: [from.endpoint], sink: to.endpoint, nodeRed });

const cloud = site("cloud", "cloud");
// The cloud's topics: cleaned detections from every edge, and the global statistics.
const merged = topic("merged", cloud, "traffic/merged");
const globalStats = topic("globalStats", cloud, "traffic/stats/global");

const deployed: Record<string, speck.StreamJob> = {};
const rawPublishRoles: Record<string, pulumi.Output<string | undefined>> = {};
for (const i of [1, 2, 3]) {
    const edge = site(`edge${i}`, "edge");
    const raw = topic(`raw${i}`, edge, "traffic/raw");
    const cleaned = topic(`clean${i}`, edge, "traffic/clean");
    const localStats = topic(`localStats${i}`, edge, "traffic/stats/local");
    deployed[`cleanJob${i}`] = job(`cleanJob${i}`, edge, raw, cleaned, { function: clean });           // Job 1
    deployed[`forwardJob${i}`] = job(`forwardJob${i}`, edge, cleaned, merged, { nodes: [] });        // Job 2
    deployed[`localStatsJob${i}`] = job(`localStatsJob${i}`, edge, cleaned, localStats, { function: count }); // Job 3
    rawPublishRoles[`edge${i}`] = raw.publishRole;
}
deployed.globalStatsJob = job("globalStatsJob", cloud, merged, globalStats, { function: count });   // Job 4

export { rawPublishRoles };
export const jobs = Object.fromEntries(Object.entries(deployed).map(([name, j]) => [name, pulumi.interpolate`${j.siteName}/${j.jobId}`]));
