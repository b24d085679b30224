// Wire conformance: drives the built provider binary with the gRPC client that @pulumi/pulumi generates from
// Pulumi's own .proto files, and a fake Engine (Log) served with the same package's stubs.
// Usage: node conformance.js <provider-binary> <fixture.json>
//   fixture: { version, speKind, speUrl, brokerUrl, adminUsername, adminPassword, topic,
//              flinkUrl, jobJarV1, jobJarV2, entryClass, savepointDir }  (a Flink stand-in whose jobs fail with --broken)
'use strict';
const { spawn } = require('child_process');
const assert = require('assert/strict');
const grpc = require('@grpc/grpc-js');
const { ResourceProviderClient } = require('@pulumi/pulumi/proto/provider_grpc_pb.js');
const pb = require('@pulumi/pulumi/proto/provider_pb.js');
const engineGrpc = require('@pulumi/pulumi/proto/engine_grpc_pb.js');
const statusPb = require('@pulumi/pulumi/proto/status_pb.js');
const crypto = require('crypto');
const rpcConst = require('@pulumi/pulumi/runtime/rpc.js');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb.js');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb.js');

const [providerPath, fixturePath] = process.argv.slice(2);
const fx = JSON.parse(require('fs').readFileSync(fixturePath, 'utf8'));
const SIG = rpcConst.specialSigKey, SECRET = rpcConst.specialSecretSig, UNKNOWN = rpcConst.unknownValue;
const ASSET = rpcConst.specialAssetSig;
const secret = (v) => ({ [SIG]: SECRET, value: v });
const isSecret = (v) => v && typeof v === 'object' && v[SIG] === SECRET;
const S = (o) => Struct.fromJavaScript(o);
let passed = 0, failed = 0;

async function step(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}: ${e.message}`); }
}

function startEngine() {
  const logs = [];
  const server = new grpc.Server();
  server.addService(engineGrpc.EngineService, {
    log: (call, cb) => { logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() }); cb(null, new Empty()); },
  });
  return new Promise((ok, fail) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(),
    (e, port) => (e ? fail(e) : ok({ server, port, logs }))));
}

function launch(engineAddr) {
  const child = spawn(providerPath, ['-v=3', '--logtostderr', engineAddr], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((ok, fail) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0 && !child.port) { child.port = buf.slice(0, nl); ok({ child, firstLine: child.port, stderr: () => stderr }); }
    });
    child.on('exit', (code) => fail(new Error(`provider exited (${code}) before printing its port: ${stderr}`)));
  });
}

(async () => {
  const engine = await startEngine();
  const { child, firstLine } = await launch(`127.0.0.1:${engine.port}`);
  const c = new ResourceProviderClient(`127.0.0.1:${firstLine.trim()}`, grpc.credentials.createInsecure());
  const rpc = (m, req) => new Promise((ok, fail) => c[m](req, (e, r) => (e ? fail(e) : ok(r))));
  const project = 'urn:pulumi:dev::wire';
  const siteUrn = `${project}::speck:index:SpeSite::edge1`;
  const topicUrn = `${project}::speck:index:Topic::raw`;

  await step('port line is the first stdout line, digits only', () => assert.match(firstLine, /^[0-9]{1,5}$/));

  await step('Handshake accepts secrets and resources', async () => {
    const req = new pb.ProviderHandshakeRequest();
    req.setEngineAddress(`127.0.0.1:${engine.port}`); req.setConfigureWithUrn(true); req.setSupportsViews(true);
    const r = await rpc('handshake', req);
    assert.equal(r.getAcceptSecrets(), true); assert.equal(r.getAcceptResources(), true);
  });

  await step('GetPluginInfo reports the real version', async () =>
    assert.equal((await rpc('getPluginInfo', new Empty())).getVersion(), fx.version));

  let schema;
  await step('GetSchema returns the speck package', async () => {
    schema = JSON.parse((await rpc('getSchema', new pb.GetSchemaRequest())).getSchema());
    assert.equal(schema.name, 'speck');
    assert.ok(schema.resources['speck:index:SpeSite']); assert.ok(schema.resources['speck:index:Topic']);
  });

  await step('CheckConfig reads string config as the schema types it, and names a bad key', async () => {
    const ok = new pb.CheckRequest(); ok.setUrn(`${project}::pulumi:providers:speck::default`);
    ok.setOlds(S({})); ok.setNews(S({ probeTimeoutSeconds: '5', version: '0.1.0' }));
    const r = await rpc('checkConfig', ok);
    assert.equal(r.getFailuresList().length, 0); assert.equal(r.getInputs().toJavaScript().probeTimeoutSeconds, 5);
    const bad = new pb.CheckRequest(); bad.setUrn(ok.getUrn()); bad.setOlds(S({})); bad.setNews(S({ probeTimeoutSecs: 5 }));
    const f = (await rpc('checkConfig', bad)).getFailuresList().map((x) => x.toObject());
    assert.equal(f[0].property, 'probeTimeoutSecs');
  });

  await step('Configure says it supports preview and secrets', async () => {
    const req = new pb.ConfigureRequest(); req.setArgs(S({ probeTimeoutSeconds: 5 }));
    req.setAcceptsecrets(true); req.setAcceptresources(true);
    const r = await rpc('configure', req);
    assert.equal(r.getSupportspreview(), true); assert.equal(r.getAcceptsecrets(), true);
  });

  const siteNews = {
    tier: 'edge', labels: { region: 'lab' },
    spe: { kind: fx.speKind, url: fx.speUrl },
    broker: { kind: 'mqtt', url: fx.brokerUrl, adminUsername: fx.adminUsername, adminPassword: secret(fx.adminPassword) },
  };
  const check = async (urn, news, olds = {}) => {
    const req = new pb.CheckRequest(); req.setUrn(urn); req.setName(urn.split('::').pop()); req.setType(urn.split('::')[2]);
    req.setOlds(S(olds)); req.setNews(S(news)); return rpc('check', req);
  };

  await step('Check names the failing property and why', async () => {
    const r = await check(siteUrn, { ...siteNews, spe: { kind: 'flink', url: 'not a url' }, tier: 'orbit' });
    const f = Object.fromEntries(r.getFailuresList().map((x) => [x.getProperty(), x.getReason()]));
    assert.match(f.tier, /orbit/); assert.ok('spe.url' in f, JSON.stringify(f));
  });

  let siteInputs;
  await step('Check fills defaults and keeps secrets wrapped', async () => {
    const r = await check(siteUrn, siteNews);
    assert.equal(r.getFailuresList().length, 0, JSON.stringify(r.getFailuresList().map((x) => x.toObject())));
    siteInputs = r.getInputs().toJavaScript();
    assert.equal(siteInputs.siteName, 'edge1'); assert.ok(isSecret(siteInputs.broker.adminPassword));
  });

  await step('Check passes unknowns through in preview', async () => {
    const r = await check(siteUrn, { ...siteNews, spe: UNKNOWN });
    assert.equal(r.getFailuresList().length, 0); assert.equal(r.getInputs().toJavaScript().spe, UNKNOWN);
  });

  await step('Create in preview returns inputs and no ID', async () => {
    const req = new pb.CreateRequest(); req.setUrn(siteUrn); req.setPreview(true);
    req.setProperties(S({ ...siteInputs, labels: UNKNOWN }));
    const r = await rpc('create', req);
    assert.equal(r.getId(), ''); assert.equal(r.getProperties().toJavaScript().labels, UNKNOWN);
  });

  let site;
  await step('Create probes the site for real', async () => {
    const req = new pb.CreateRequest(); req.setUrn(siteUrn); req.setProperties(S(siteInputs)); req.setTimeout(30);
    const r = await rpc('create', req);
    site = r.getProperties().toJavaScript();
    assert.equal(r.getId(), 'edge1'); assert.equal(site.brokerReachable, true); assert.equal(site.speReachable, true);
    assert.ok(site.speVersion.length > 0); assert.equal(site.accessControl, true);
    assert.ok(isSecret(site.broker.adminPassword));
    // The connection is one JSON string, secret as a whole since it holds the admin password.
    assert.ok(isSecret(site.connection)); assert.equal(JSON.parse(site.connection.value).broker.adminPassword, fx.adminPassword);
  });

  await step('Create of an unreachable site fails cleanly, naming the endpoint', async () => {
    const req = new pb.CreateRequest(); req.setUrn(siteUrn);
    req.setProperties(S({ ...siteInputs, broker: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1' } }));
    await assert.rejects(rpc('create', req), (e) => e.code === grpc.status.UNAVAILABLE && /127\.0\.0\.1:1/.test(e.details));
  });

  await step('Diff names changed paths; DIFF_NONE when nothing changed', async () => {
    const diff = async (news) => {
      const req = new pb.DiffRequest(); req.setId('edge1'); req.setUrn(siteUrn);
      req.setOlds(S(site)); req.setOldInputs(S(siteInputs)); req.setNews(S(news)); return rpc('diff', req);
    };
    const none = await diff(siteInputs);
    assert.equal(none.getChanges(), pb.DiffResponse.DiffChanges.DIFF_NONE);
    const some = await diff({ ...siteInputs, labels: { region: 'lab', owner: 'ops' } });
    assert.equal(some.getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME); assert.equal(some.getHasdetaileddiff(), true);
    assert.equal(some.getDetaileddiffMap().get('labels.owner').getKind(), pb.PropertyDiff.Kind.ADD);
    assert.deepEqual(some.getDiffsList(), ['labels']);
    const unknown = await diff({ ...siteInputs, tier: UNKNOWN });
    assert.equal(unknown.getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME);
  });

  await step('Read returns current state and inputs', async () => {
    const req = new pb.ReadRequest(); req.setId('edge1'); req.setUrn(siteUrn); req.setProperties(S(site)); req.setInputs(S(siteInputs));
    const r = await rpc('read', req);
    assert.equal(r.getId(), 'edge1'); assert.equal(r.getInputs().toJavaScript().siteName, 'edge1');
    assert.ok(isSecret(r.getProperties().toJavaScript().broker.adminPassword));
  });

  await step('Update applies new labels', async () => {
    const req = new pb.UpdateRequest(); req.setId('edge1'); req.setUrn(siteUrn); req.setOlds(S(site)); req.setOldInputs(S(siteInputs));
    req.setNews(S({ ...siteInputs, labels: { region: 'lab', owner: 'ops' } }));
    const r = await rpc('update', req);
    assert.equal(r.getProperties().toJavaScript().labels.owner, 'ops');
  });

  await step('Update in preview answers outputs made from the new inputs, unknown where only the update tells', async () => {
    const preview = async (news) => {
      const req = new pb.UpdateRequest(); req.setId('edge1'); req.setUrn(siteUrn); req.setOlds(S(site)); req.setOldInputs(S(siteInputs));
      req.setNews(S(news)); req.setPreview(true); return (await rpc('update', req)).getProperties().toJavaScript();
    };
    const fog = await preview({ ...siteInputs, tier: 'fog' });
    assert.equal(fog.tier, 'fog'); assert.ok(isSecret(fog.connection)); assert.equal(JSON.parse(fog.connection.value).tier, 'fog');
    assert.equal(fog.speVersion, site.speVersion);
    const moved = await preview({ ...siteInputs, spe: UNKNOWN });
    assert.equal(moved.connection, UNKNOWN); assert.equal(moved.speVersion, UNKNOWN);
  });

  const topicUrnName = fx.topic;
  let topicInputs, topic, topicId;
  await step('Topic: Check refuses wildcards, naming the property', async () => {
    const r = await check(topicUrn, { site: site.connection, name: 'a/#' });
    assert.equal(r.getFailuresList()[0].getProperty(), 'name');
  });
  await step('Topic: Create makes dynsec roles on the real broker', async () => {
    const r0 = await check(topicUrn, { site: site.connection, name: topicUrnName });
    assert.equal(r0.getFailuresList().length, 0, JSON.stringify(r0.getFailuresList().map((x) => x.toObject())));
    topicInputs = r0.getInputs().toJavaScript();
    const req = new pb.CreateRequest(); req.setUrn(topicUrn); req.setProperties(S(topicInputs));
    const r = await rpc('create', req);
    topicId = r.getId(); topic = r.getProperties().toJavaScript();
    assert.ok(topicId.endsWith(topicUrnName)); assert.ok(topic.publishRole); assert.ok(topic.subscribeRole);
    assert.ok(isSecret(topic.site)); assert.ok(isSecret(topic.endpoint));
  });
  await step('Topic: a new name forces replacement', async () => {
    const req = new pb.DiffRequest(); req.setId(topicId); req.setUrn(topicUrn);
    req.setOlds(S(topic)); req.setOldInputs(S(topicInputs)); req.setNews(S({ ...topicInputs, name: topicUrnName + '/v2' }));
    const r = await rpc('diff', req);
    assert.deepEqual(r.getReplacesList(), ['name']);
    assert.equal(r.getDetaileddiffMap().get('name').getKind(), pb.PropertyDiff.Kind.UPDATE_REPLACE);
  });
  await step('Topic: a fresh provider imports it with only the ID, credentials from its configuration', async () => {
    // As `pulumi import` runs it: another provider process, Configure, then Read with the ID alone (no SpeSite Check).
    const fresh = await launch(`127.0.0.1:${engine.port}`);
    const c2 = new ResourceProviderClient(`127.0.0.1:${fresh.firstLine.trim()}`, grpc.credentials.createInsecure());
    const rpc2 = (m, req) => new Promise((ok, fail) => c2[m](req, (e, r) => (e ? fail(e) : ok(r))));
    try {
      const conf = new pb.ConfigureRequest(); conf.setAcceptsecrets(true); conf.setAcceptresources(true);
      conf.setArgs(S({ credentials: secret(JSON.stringify({ brokers: { [fx.brokerUrl]: { adminUsername: fx.adminUsername, adminPassword: fx.adminPassword } } })) }));
      await rpc2('configure', conf);
      const id = `edge1/${encodeURIComponent(topicUrnName)}?tier=edge&spe=${fx.speKind}:${fx.speUrl}&broker=${fx.brokerUrl}`;
      const req = new pb.ReadRequest(); req.setId(id); req.setUrn(`${project}::speck:index:Topic::imported`);
      const r = await rpc2('read', req);
      const outputs = r.getProperties().toJavaScript(), inputs = r.getInputs().toJavaScript();
      assert.equal(r.getId(), topicId); // the resource's own ID, not the import ID with the site's whereabouts
      assert.equal(outputs.publishRole, topic.publishRole); assert.equal(outputs.subscribeRole, topic.subscribeRole);
      assert.equal(inputs.name, topicUrnName); assert.ok(!isSecret(inputs.site), 'the imported site holds a secret');
      const importedSite = JSON.parse(inputs.site);
      assert.equal(importedSite.broker.url, fx.brokerUrl);
      assert.ok(!('adminPassword' in importedSite.broker), 'credentials reached the imported inputs');
      const ck = new pb.CheckRequest(); ck.setUrn(req.getUrn()); ck.setName('imported'); ck.setType('speck:index:Topic');
      ck.setOlds(S(inputs)); ck.setNews(S(inputs));
      const checked = await rpc2('check', ck);
      assert.equal(checked.getFailuresList().length, 0, JSON.stringify(checked.getFailuresList().map((x) => x.toObject())));
      assert.ok(!fresh.stderr().includes(fx.adminPassword), 'a secret reached the provider log');
    } finally {
      c2.close();
      await new Promise((ok) => { fresh.child.once('exit', ok); fresh.child.kill('SIGINT'); setTimeout(ok, 5000); });
    }
  });
  await step('Topic: Read finds the roles; Delete removes them; Read then reports it gone', async () => {
    const read = async () => {
      const req = new pb.ReadRequest(); req.setId(topicId); req.setUrn(topicUrn); req.setProperties(S(topic)); req.setInputs(S(topicInputs));
      return rpc('read', req);
    };
    assert.equal((await read()).getId(), topicId);
    const del = new pb.DeleteRequest(); del.setId(topicId); del.setUrn(topicUrn); del.setProperties(S(topic)); del.setOldInputs(S(topicInputs));
    await rpc('delete', del);
    assert.equal((await read()).getId(), '');
  });

  await step('Delete of the site succeeds', async () => {
    const req = new pb.DeleteRequest(); req.setId('edge1'); req.setUrn(siteUrn); req.setProperties(S(site)); req.setOldInputs(S(siteInputs));
    await rpc('delete', req);
  });

  await step('Read of a site whose broker went away warns through Engine.Log, tied to the URN', async () => {
    const down = { ...siteInputs, broker: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1' } };
    const req = new pb.ReadRequest(); req.setId('edge1'); req.setUrn(siteUrn); req.setProperties(S({ ...site, ...down })); req.setInputs(S(down));
    const r = await rpc('read', req);
    assert.equal(r.getProperties().toJavaScript().brokerReachable, false);
    const warn = engine.logs.find((l) => l.urn === siteUrn && l.severity === 2);
    assert.ok(warn, JSON.stringify(engine.logs));
    assert.ok(!JSON.stringify(engine.logs).includes(fx.adminPassword), 'a secret reached the log');
  });

  // The engine hashes a file asset when the program registers it (the sha256 of its bytes) and sends the whole asset
  // to Check, Create and Update's news, but the old inputs and outputs of Diff, Update, Read and Delete with every
  // asset elided to { sig, hash } (provider_plugin.go ElideAssetContents; see docs/pulumi-engine.md §Assets).
  const fileAsset = (path) => ({ [SIG]: ASSET, hash: crypto.createHash('sha256').update(require('fs').readFileSync(path)).digest('hex'), path });
  const elide = (v) => (Array.isArray(v) ? v.map(elide)
    : v && typeof v === 'object' ? (v[SIG] === ASSET ? { [SIG]: ASSET, hash: v.hash } : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, elide(x)])))
    : v);
  const initFailed = (e) => {
    const bin = e.metadata && e.metadata.get('grpc-status-details-bin')[0];
    if (!bin) return null;
    const any = statusPb.Status.deserializeBinary(bin).getDetailsList().find((d) => d.getTypeUrl().endsWith('pulumirpc.ErrorResourceInitFailed'));
    return any ? pb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8()) : null;
  };
  if (fx.flinkUrl) {
    const jobUrn = `${project}::speck:index:StreamJob::wirejob`;
    const broker = { kind: 'mqtt', url: 'mqtt://127.0.0.1:1883' };
    const flinkSite = { siteName: 'flink1', tier: 'fog', spe: { kind: 'flink', url: fx.flinkUrl }, broker };
    const topicAt = (name) => ({ siteName: 'flink1', name, broker });
    const job = (jar, extra = {}) => ({
      site: flinkSite, artifact: fileAsset(jar), entryClass: fx.entryClass, sources: [topicAt('in')], sink: topicAt('out'),
      savepointDirectory: fx.savepointDir, readinessSeconds: 1, ...extra,
    });
    await step('StreamJob: an upgrade whose new version fails, sent with elided old assets, rolls back and answers ErrorResourceInitFailed', async () => {
      const c1 = await check(jobUrn, job(fx.jobJarV1));
      assert.equal(c1.getFailuresList().length, 0, JSON.stringify(c1.getFailuresList().map((x) => x.toObject())));
      const inputs = c1.getInputs().toJavaScript();
      const create = new pb.CreateRequest(); create.setUrn(jobUrn); create.setProperties(S(inputs)); create.setTimeout(60);
      const made = await rpc('create', create);
      const outputs = made.getProperties().toJavaScript();
      assert.equal(outputs.state, 'RUNNING');

      const c2 = await check(jobUrn, job(fx.jobJarV2, { arguments: ['--broken'] }), inputs);
      assert.equal(c2.getFailuresList().length, 0);
      const update = new pb.UpdateRequest(); update.setId(made.getId()); update.setUrn(jobUrn); update.setTimeout(60);
      update.setOlds(S(elide(outputs))); update.setOldInputs(S(elide(inputs))); update.setNews(c2.getInputs());
      let failure;
      await assert.rejects(rpc('update', update), (e) => { failure = initFailed(e); return e.code === grpc.status.UNKNOWN && failure !== null; });
      const state = failure.getProperties().toJavaScript();
      assert.equal(state.state, 'RUNNING');
      assert.notEqual(state.jobId, outputs.jobId);
      assert.ok(state.lastSavepoint, JSON.stringify(state));
      assert.equal(state.artifactSha256, outputs.artifactSha256);
      assert.ok(failure.getReasonsList().some((r) => r.includes('rolled back') && r.includes(state.jobId)), failure.getReasonsList().join('; '));

      // Diff from what the engine then records (the new inputs, these outputs, both elided) still shows the change.
      const diff = new pb.DiffRequest(); diff.setId(made.getId()); diff.setUrn(jobUrn);
      diff.setOlds(S(elide(state))); diff.setOldInputs(S(elide(c2.getInputs().toJavaScript()))); diff.setNews(S(elide(c2.getInputs().toJavaScript())));
      assert.equal((await rpc('diff', diff)).getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME);
      const del = new pb.DeleteRequest(); del.setId(made.getId()); del.setUrn(jobUrn); del.setTimeout(60);
      del.setProperties(S(elide(state))); del.setOldInputs(S(elide(c2.getInputs().toJavaScript())));
      await rpc('delete', del);
    });
  }

  await step('Invoke answers as a provider with no functions: INVALID_ARGUMENT naming the token', async () => {
    const req = new pb.InvokeRequest(); req.setTok('speck:index:nothing');
    await assert.rejects(rpc('invoke', req), (e) => e.code === grpc.status.INVALID_ARGUMENT && e.details.includes("unknown function 'speck:index:nothing'"));
  });

  await step('Methods the provider does not serve answer UNIMPLEMENTED', async () => {
    const req = new pb.CallRequest(); req.setTok('speck:index:nothing');
    await assert.rejects(rpc('call', req), (e) => e.code === grpc.status.UNIMPLEMENTED);
  });

  await step('SIGINT stops the provider', async () => {
    const code = await new Promise((ok) => { child.once('exit', (c, s) => ok(c ?? s)); child.kill('SIGINT'); setTimeout(() => ok('timeout'), 5000); });
    assert.equal(code, 0);
  });

  c.close(); engine.server.forceShutdown();
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(2); });
