// The Node entry point has the same API; the module is already loaded.
export * from "./index.js";
export { default } from "./index.js";
