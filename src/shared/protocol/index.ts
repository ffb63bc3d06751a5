// The protocol, one import for the server and the browser bundle alike. Each part lives in a file
// of its own: types of every message, the socket's fixed points, limits, name rules and keys, mentions,
// people search and the parser of client frames. No Node or DOM imports anywhere in this folder.
export * from './types.js';
export * from './wire.js';
export * from './limits.js';
export * from './names.js';
export * from './nameKey.js';
export * from './invisible.js';
export * from './mentions.js';
export * from './markup.js';
export * from './people.js';
export * from './parse.js';
