import { describe, expect, it } from "vitest";
import { base64Url, codeChallenge, codeVerifier, newState } from "./pkce";

const counting = (length: number) => Uint8Array.from({ length }, (_, index) => index);

describe("PKCE", () => {
  it("encodes base64url without padding or the two URL-unsafe characters", () => {
    expect(base64Url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe("-__-");
    expect(base64Url(new Uint8Array([0x61]))).toBe("YQ");
  });

  it("makes a 43-character verifier of the unreserved alphabet from 32 random bytes", () => {
    const verifier = codeVerifier(counting);
    expect(verifier).toHaveLength(43);
    expect(verifier).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codeVerifier()).not.toBe(codeVerifier());
  });

  it("computes the S256 challenge of RFC 7636's example", async () => {
    // RFC 7636 appendix B
    expect(await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("makes states that differ from sign-in to sign-in", () => {
    expect(newState()).not.toBe(newState());
    expect(newState(counting)).toBe(base64Url(counting(16)));
  });
});
