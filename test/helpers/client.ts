// The tests' WebSocket client is the tools' kit's: see src/tools/kit/client.ts.
export { TestClient, type Closed } from '../../src/tools/kit/client.js';
