// For unit tests: the built-in node types as the API serves them (provided by vitest.nodeTypes.ts).
import { inject } from "vitest";
import type { NodeTypesResponse } from "../api/types";

declare module "vitest" {
  export interface ProvidedContext {
    nodeTypes: NodeTypesResponse;
  }
}

export function servedNodeTypes(): NodeTypesResponse {
  return inject("nodeTypes");
}
