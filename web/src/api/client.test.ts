import { describe, expect, it } from "vitest";
import { ApiClient, ApiError, discoverApiBase, type Fetch } from "./client";

interface Call {
  url: string;
  init?: RequestInit;
}

function fakeFetch(responses: Response[]): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      const next = responses.shift();
      if (!next) throw new TypeError("connection refused");
      return next;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("ApiClient", () => {
  it("sends the bearer token and If-Match on save", async () => {
    const { fetch, calls } = fakeFetch([json(200, { id: "wf", version: 3 })]);
    const client = new ApiClient({ baseUrl: "./api/", token: () => "tok", fetch });
    await client.saveWorkflow({ id: "wf", name: "n", trigger: { type: "manual" }, nodes: [], edges: [] }, '"2"');
    expect(calls[0].url).toBe("./api/workflows/wf");
    const headers = calls[0].init!.headers as Record<string, string>;
    expect(headers.Authorization).toBe("Bearer tok");
    expect(headers["If-Match"]).toBe('"2"');
    expect(calls[0].init!.method).toBe("PUT");
  });

  it("turns the error envelope into an ApiError with its problems", async () => {
    const problems = [{ code: "missing_param", node: "a", field: "params.x", message: "'x' is required." }];
    const { fetch } = fakeFetch([json(422, { error: { code: "invalid_workflow", message: "Not valid.", details: { problems } } })]);
    const error = await new ApiClient({ baseUrl: "/api", token: () => null, fetch }).validate("wf").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: "invalid_workflow", message: "Not valid." });
    expect((error as ApiError).problems).toEqual(problems);
  });

  it("reports a body that is not the envelope, a 204 and an unreachable API", async () => {
    const { fetch } = fakeFetch([new Response("Bad gateway", { status: 502 }), new Response(null, { status: 204 })]);
    const client = new ApiClient({ baseUrl: "/api", token: () => null, fetch });
    await expect(client.getWorkflow("x")).rejects.toMatchObject({ status: 502, code: "http_502", message: "Bad gateway" });
    await expect(client.deleteWorkflow("x")).resolves.toBeUndefined();
    await expect(client.listConnectors()).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("follows cursors to list every workflow, and reads a missing credentials route as none", async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { items: [{ id: "a" }], next_cursor: "c1" }),
      json(200, { items: [{ id: "b" }], next_cursor: null }),
      json(404, { error: { code: "route_not_found", message: "No route" } }),
    ]);
    const client = new ApiClient({ baseUrl: "/api", token: () => null, fetch });
    expect((await client.allWorkflows()).map((w) => w.id)).toEqual(["a", "b"]);
    expect(calls[1].url).toContain("cursor=c1");
    expect(await client.listCredentials()).toEqual([]);
  });
});

describe("discoverApiBase", () => {
  it("uses config.json's endpoint when deployed, ./api when the local server answers with the page", async () => {
    expect(await discoverApiBase(fakeFetch([json(200, { apiEndpoint: "https://x.example/prod/" })]).fetch)).toBe("https://x.example/prod/");
    expect(await discoverApiBase(fakeFetch([new Response("<!doctype html>", { status: 200 })]).fetch)).toBe("/api");
  });
});
