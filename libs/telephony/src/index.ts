export * from './telephony.port';
export * from './simulator';
export * from './random';
export * from './sip/sip-trunk.telephony';
export { failureCause } from './sip/outcome';
