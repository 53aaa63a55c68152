export * from './errors';
export * from './ids';
export * from './redaction';
export * from './clock';
export * from './cursor';
export * from './schemas';
export * from './zoned-time';
