export * from './agent-state';
export * from './agent-live-view';
export * from './agent-view';
export * from './agents.service';
export * from './agent-sessions.service';
export * from './live-view-rebuilder';
export * from './agents.module';
export * from './agent-schemas';
