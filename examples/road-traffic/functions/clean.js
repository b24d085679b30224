// Job 1: keep well-formed car detections {vehicleId, sensor, ts}; drop everything else.
let p = msg.payload;
if (Buffer.isBuffer(p)) p = p.toString();
if (typeof p === 'string') {
    try { p = JSON.parse(p); } catch (e) { return null; }
}
if (p === null || typeof p !== 'object' || Array.isArray(p)) return null;
if (typeof p.vehicleId !== 'string' || p.vehicleId === '') return null;
if (typeof p.sensor !== 'string' || p.sensor === '') return null;
if (typeof p.ts !== 'number' || !Number.isInteger(p.ts)) return null;
msg.payload = { vehicleId: p.vehicleId, sensor: p.sensor, ts: p.ts };
return msg;
