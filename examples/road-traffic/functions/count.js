// Jobs 3 and 4: cars per sensor per tumbling window of WINDOW_MS, by the detection's own timestamp.
// Every message carries the running count of its (window, sensor), so the latest message per key is exact
// whatever the arrival order: no timers, no late-data rules.
const WINDOW_MS = 10000;
let d = msg.payload;
if (typeof d === 'string') {
    try { d = JSON.parse(d); } catch (e) { return null; }
}
if (d === null || typeof d !== 'object' || typeof d.sensor !== 'string' || typeof d.ts !== 'number') return null;
const window = d.ts - (d.ts % WINDOW_MS);
const key = window + '|' + d.sensor;
const counts = context.get('counts') || {};
counts[key] = (counts[key] || 0) + 1;
context.set('counts', counts);
msg.payload = { window: window, windowEnd: window + WINDOW_MS, sensor: d.sensor, count: counts[key], job: env.get('SPECK_JOB') };
return msg;
