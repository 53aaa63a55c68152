export * from './telephony.port';
export * from './simulator';
export * from './random';
