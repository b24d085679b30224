// Fuzz: seeded malformed requests to every RPC, through the gRPC client @pulumi/pulumi generates from Pulumi's own
// .proto files. Asserts every request gets a clear answer: no crash, no hang (a deadline per call), no UNKNOWN or
// INTERNAL (to the engine those mean "the outcome is unknown"), every Check failure names a property, every status
// message bounded, and the connection still answers afterwards. Nothing here deploys anything: creates and updates
// are previews, and every endpoint is a closed port on 127.0.0.1.
// Usage: node --stack-size=6000 fuzz.js <provider-binary> <seed> <count> [<seconds>]
// FUZZ_ONLY=<i> replays request i of the seed alone; FUZZ_DEBUG=1 shows the provider's stderr and slow calls.
'use strict';
const { spawn } = require('child_process');
const grpc = require('@grpc/grpc-js');
const { ResourceProviderClient } = require('@pulumi/pulumi/proto/provider_grpc_pb.js');
const pb = require('@pulumi/pulumi/proto/provider_pb.js');
const pluginPb = require('@pulumi/pulumi/proto/plugin_pb.js');
const engineGrpc = require('@pulumi/pulumi/proto/engine_grpc_pb.js');
const rpcConst = require('@pulumi/pulumi/runtime/rpc.js');
const { Struct, Value, ListValue } = require('google-protobuf/google/protobuf/struct_pb.js');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb.js');
const { makeRandom, Malformed } = require('./fuzz-values.js');

const [providerPath, seedArg, countArg, secondsArg] = process.argv.slice(2);
const seed = Number(seedArg ?? 1), count = Number(countArg ?? 100), budgetMs = Number(secondsArg ?? 0) * 1000;
const SIG = rpcConst.specialSigKey, SECRET = rpcConst.specialSecretSig, UNKNOWN = rpcConst.unknownValue;
const CALL_DEADLINE_MS = 15000, MAX_MESSAGE = 5000;
const project = 'urn:pulumi:dev::fuzz';
const urnOf = (type, name) => `${project}::${type}::${name}`;

function startEngine() {
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, { log: (_call, cb) => cb(null, new Empty()) });
  return new Promise((ok, fail) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(),
    (e, port) => (e ? fail(e) : ok({ server, port }))));
}

function launch(engineAddr) {
  const child = spawn(providerPath, [engineAddr], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (d) => { if (process.env.FUZZ_DEBUG) process.stderr.write(d); });
  return new Promise((ok, fail) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0 && !child.port) { child.port = buf.slice(0, nl).trim(); ok(child); }
    });
    child.on('exit', (code) => fail(new Error(`provider exited (${code}) before printing its port`)));
  });
}

// A protobuf Value from a JS value; Malformed nodes carry a ready-made Value (NaN, deep nesting, non-string sigs).
function toValue(v) {
  if (v instanceof Malformed) return v.value;
  const out = new Value();
  if (v === null || v === undefined) out.setNullValue(0);
  else if (typeof v === 'number') out.setNumberValue(v);
  else if (typeof v === 'string') out.setStringValue(v);
  else if (typeof v === 'boolean') out.setBoolValue(v);
  else if (Array.isArray(v)) { const l = new ListValue(); l.setValuesList(v.map(toValue)); out.setListValue(l); }
  else out.setStructValue(toStruct(v));
  return out;
}
function toStruct(o) {
  const s = new Struct();
  const m = s.getFieldsMap();
  for (const [k, v] of Object.entries(o ?? {})) m.set(k, toValue(v));
  return s;
}

const closed = { spe: 'http://127.0.0.1:1', mqtt: 'mqtt://127.0.0.1:1', kafka: 'kafka://127.0.0.1:1' };
const connection = (r) => ({
  siteName: r.pick(['edge1', 'fog1', '']), tier: r.pick(['edge', 'fog', 'cloud']),
  spe: { kind: r.pick(['flink', 'nodered']), url: closed.spe },
  broker: { kind: 'mqtt', url: closed.mqtt, adminUsername: 'admin', adminPassword: { [SIG]: SECRET, value: 'pw-fuzz-1' } },
});
const topicEndpoint = (r) => ({ siteName: 'edge1', broker: { kind: 'mqtt', url: closed.mqtt }, name: 'a/b' });
const bases = {
  'speck:index:SpeSite': (r) => { const c = connection(r); delete c.siteName; return { ...c, labels: { region: 'lab' } }; },
  'speck:index:Topic': (r) => ({ site: connection(r), name: 'raw/readings', partitions: 1, config: { 'retention.ms': '1000' } }),
  'speck:index:StreamJob': (r) => ({
    site: connection(r), sources: [topicEndpoint(r)], sink: topicEndpoint(r), parallelism: 1, jarPath: '/nonexistent.jar',
    nodeRed: { nodes: [{ id: 'n1', type: 'function', wires: [] }] }, arguments: ['x'], upgradeMode: 'savepoint',
  }),
};
const recorded = {
  'speck:index:SpeSite': (r, i) => ({ ...i, siteName: 'edge1', connection: connection(r), speReachable: true, brokerReachable: true }),
  'speck:index:Topic': (r, i) => ({ ...i, endpoint: topicEndpoint(r), publishRole: 'p', subscribeRole: 's' }),
  'speck:index:StreamJob': (r, i) => ({ ...i, jobId: 'a'.repeat(32), state: 'RUNNING', generation: 1, siteName: 'edge1' }),
};
const config = (r) => ({ probeTimeoutSeconds: r.pick([1, 2, '3']), mqttClientIdPrefix: 'fuzz' });

// Builds one malformed request; returns [method, request, description].
function request(r) {
  const types = Object.keys(bases);
  const type = r.chance(0.05) ? r.pick(['speck:index:Nope', '', 'x'.repeat(r.int(70000))]) : r.pick(types);
  const urn = r.chance(0.05) ? r.hugeString() : urnOf(type, r.pick(['a', 'b', '']));
  const base = (bases[type] ?? bases['speck:index:Topic'])(r);
  const news = r.mutate(base);
  const olds = r.mutate(base, 0.5);
  const state = r.mutate((recorded[type] ?? recorded['speck:index:Topic'])(r, base), 0.5);
  const id = r.chance(0.1) ? r.hugeString() : r.pick(['edge1', 'edge1/raw/readings', '', '%%', 'a'.repeat(200)]);
  const method = r.pick(['check', 'checkConfig', 'diff', 'diffConfig', 'configure', 'create', 'read', 'update', 'delete']);
  const m = { method, type };
  let req;
  switch (method) {
    case 'check': case 'checkConfig':
      req = new pb.CheckRequest(); req.setUrn(urn); req.setName(r.pick(['a', ''])); req.setType(type);
      req.setOlds(toStruct(olds)); req.setNews(toStruct(method === 'check' ? news : r.mutate(config(r)))); break;
    case 'diff': case 'diffConfig':
      req = new pb.DiffRequest(); req.setUrn(urn); req.setId(id); req.setType(type);
      req.setOlds(toStruct(method === 'diff' ? state : r.mutate(config(r), 0.5))); req.setOldInputs(toStruct(olds));
      req.setNews(toStruct(method === 'diff' ? news : r.mutate(config(r)))); req.setIgnorechangesList(r.chance(0.2) ? ['labels', '', 'x['] : []); break;
    case 'configure':
      req = new pb.ConfigureRequest(); req.setAcceptsecrets(true); req.setAcceptresources(true);
      if (r.chance(0.8)) req.setArgs(toStruct(r.mutate(config(r))));
      else for (const [k, v] of Object.entries({ 'speck:config:probeTimeoutSeconds': String(r.value()) })) req.getVariablesMap().set(k, v);
      break;
    case 'create':
      req = new pb.CreateRequest(); req.setUrn(urn); req.setType(type); req.setPreview(true); req.setProperties(toStruct(news));
      req.setTimeout(r.pick([0, 1, -1, 1e308, NaN, Infinity])); break;
    case 'read':
      req = new pb.ReadRequest(); req.setUrn(urn); req.setId(id); req.setType(type);
      if (r.chance(0.7)) { req.setProperties(toStruct(state)); req.setInputs(toStruct(olds)); }
      req.setTimeout(r.pick([0, 1, 1e308, NaN])); break;
    case 'update':
      req = new pb.UpdateRequest(); req.setUrn(urn); req.setId(id); req.setType(type); req.setPreview(true);
      req.setOlds(toStruct(state)); req.setOldInputs(toStruct(olds)); req.setNews(toStruct(news)); break;
    case 'delete':
      req = new pb.DeleteRequest(); req.setUrn(urn); req.setId(id); req.setType(type);
      req.setProperties(toStruct(r.partial(state))); req.setOldInputs(toStruct(r.partial(olds))); req.setTimeout(r.pick([0, 1, 1e308])); break;
  }
  if (method === 'configure' && !r.chance(0.9)) {
    // Most configures restore a sane config, so that later calls do not all run with a broken one.
    req = new pb.ConfigureRequest(); req.setArgs(toStruct({ probeTimeoutSeconds: 1 }));
  }
  return [method, req, m];
}

(async () => {
  const engine = await startEngine();
  const child = await launch(`127.0.0.1:${engine.port}`);
  let exited = null;
  child.on('exit', (code, sig) => { exited = `${code ?? sig}`; });
  const client = new ResourceProviderClient(`127.0.0.1:${child.port}`, grpc.credentials.createInsecure(),
    { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
  const call = (m, req) => new Promise((ok) => client[m](req, { deadline: Date.now() + CALL_DEADLINE_MS }, (e, res) => ok({ e, res })));
  const alive = async () => (await call('getPluginInfo', new Empty())).e === null;

  const failures = [];
  const rand = makeRandom(seed);
  const started = Date.now();
  let sent = 0;
  const codes = {};
  const fail = (i, what, m) => { failures.push(`#${i} ${m.method} ${m.type.slice(0, 40)}: ${what}`); };
  for (let i = 0; i < count; i++) {
    if (budgetMs > 0 && Date.now() - started > budgetMs) break;
    if (process.env.FUZZ_ONLY && Number(process.env.FUZZ_ONLY) !== i) continue;
    const r = rand.fork(i);
    const g0 = Date.now();
    const [method, req, m] = request(r);
    const t0 = Date.now();
    if (process.env.FUZZ_ONLY) console.log(JSON.stringify(req.toObject(), (k, v) => (typeof v === 'string' && v.length > 200 ? v.slice(0, 200) + '…' : v)).slice(0, 4000));
    if (process.env.FUZZ_DEBUG && t0 - g0 > 300) console.log(`slow generation #${i} ${t0 - g0}ms`);
    const { e, res } = await call(method, req);
    if (process.env.FUZZ_DEBUG && Date.now() - t0 > 300) console.log(`slow #${i} ${method} ${m.type.slice(0, 30)} ${Date.now() - t0}ms ${e ? e.code + ' ' + String(e.details).slice(0, 150) : ''}`);
    sent++;
    const code = e ? e.code : 0;
    codes[code] = (codes[code] ?? 0) + 1;
    if (exited !== null) { fail(i, `the provider exited (${exited})`, m); break; }
    if (e) {
      if (code === grpc.status.UNKNOWN || code === grpc.status.INTERNAL) fail(i, `${grpc.status[code]}: ${String(e.details).slice(0, 300)}`, m);
      else if (code === grpc.status.DEADLINE_EXCEEDED) fail(i, 'no answer within the deadline (hang)', m);
      else if (String(e.details).length > MAX_MESSAGE) fail(i, `status message of ${String(e.details).length} characters`, m);
      else if (!e.details) fail(i, `${grpc.status[code]} with an empty message`, m);
      if (code === grpc.status.UNAVAILABLE || code === grpc.status.CANCELLED || code === grpc.status.RESOURCE_EXHAUSTED) {
        if (!(await alive())) { fail(i, `the connection no longer answers after ${grpc.status[code]}: ${String(e.details).slice(0, 200)}`, m); break; }
      }
    } else if (method === 'check' || method === 'checkConfig') {
      for (const f of res.getFailuresList())
        if (!f.getProperty()) fail(i, `a Check failure names no property: ${f.getReason().slice(0, 200)}`, m);
    }
  }
  if (exited === null && !(await alive())) failures.push('the provider no longer answers at the end');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`seed ${seed}: ${sent} requests in ${secs}s; status codes ${JSON.stringify(codes)}`);
  for (const f of failures.slice(0, 50)) console.log(`FAIL ${f}`);
  console.log(`${sent} requests, ${failures.length} failures`);
  client.close(); child.kill('SIGINT'); engine.server.forceShutdown();
  process.exit(failures.length === 0 && sent > 0 ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(2); });
