import { createContext, useContext } from "react";
import type { ApiClient } from "./api/client";
import type { NodeTypeInfo } from "./catalog/catalog";

export interface AppContextValue {
  api: ApiClient;
  catalog: Map<string, NodeTypeInfo>;
  /** Whether the node types have arrived (GET /node-types and /connectors); until then the catalog is empty. */
  catalogLoaded: boolean;
  notify: (message: string, kind?: "info" | "error") => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp outside AppContext");
  return value;
}
