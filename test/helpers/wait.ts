// The tests' waiting helpers are the tools' kit's (src/tools/kit/wait.ts): `until` here names what
// it waits for and throws when the time is up.
export { sleep, waitFor as until } from '../../src/tools/kit/wait.js';
