// The Node entry point: loads the WebAssembly module from disk synchronously, so that
// `import { replay } from "slaledger"` is ready to use (no `await init()` needed).
import { readFileSync } from "node:fs";
import { initSync } from "./index.js";

initSync(readFileSync(new URL("../pkg/slaledger_wasm_bg.wasm", import.meta.url)));

export * from "./index.js";
export { default } from "./index.js";
