export * from './telephony.port';
export * from './simulator';
export * from './random';
export * from './sip/sip-trunk.telephony';
export * from './sip/dialog-store';
export { failureCause } from './sip/outcome';
export type { DetectionSettings } from './sip/detection';
export { DEFAULT_DETECTION_SETTINGS, detectionOf, detectionOfRequest, detectionPattern } from './sip/detection';
