// Test data for the browser tests, made through the public APIs of the running stack (and the
// auth bootstrap command for the first office administrator, as an operator would).
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const INSTANCE = process.env.RACHMISTRZ_INSTANCE ?? "test";
export const PASSWORD = "Kasztan-w-Ogrodzie-42";

export function stackEnv(): Record<string, string> {
  const text = readFileSync(resolve(ROOT, ".run", INSTANCE, "stack.env"), "utf8");
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^['"]|['"]$/g, "");
  }
  return env;
}

const env = stackEnv();
export const GATEWAY = process.env.GATEWAY_URL ?? env.GATEWAY_URL;
export const MAIL_API = env.MAIL_API;

/** A valid NIP whose first three digits are non-zero (KSeF's XSD wants that). */
export function randomNip(): string {
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  for (;;) {
    const digits = Array.from({ length: 9 }, (_, i) => (i < 3 ? 1 + Math.floor(Math.random() * 9) : Math.floor(Math.random() * 10)));
    const check = digits.reduce((s, d, i) => s + d * weights[i], 0) % 11;
    if (check !== 10) return digits.join("") + String(check);
  }
}

export function unique(who: string): string {
  return `${who}.${Math.random().toString(16).slice(2, 10)}@e2e.rachmistrz.pl`;
}

function python(service: string, args: string[], extraEnv: Record<string, string> = {}, input?: string): string {
  const serviceEnv: Record<string, string> = {};
  const out = execFileSync(resolve(ROOT, "scripts/services.sh"), ["env", service], {
    env: { ...process.env, RACHMISTRZ_INSTANCE: INSTANCE },
    encoding: "utf8",
  });
  for (const line of out.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) serviceEnv[line.slice(0, i)] = line.slice(i + 1);
  }
  return execFileSync(resolve(ROOT, ".venv/bin/python"), args, {
    env: { ...process.env, ...serviceEnv, ...extraEnv },
    encoding: "utf8",
    cwd: ROOT,
    input,
  });
}

export function bootstrapOfficeAdmin(officeNip: string, email: string): void {
  python("auth", ["-m", "auth.bootstrap", "create-admin", "--office-nip", officeNip, "--office-name", `Biuro E2E ${officeNip}`, "--email", email, "--full-name", "Anna Testowa"], {
    AUTH_BOOTSTRAP_PASSWORD: PASSWORD,
  });
}

/** A self-signed KSeF certificate for `nip` (the simulator accepts these, as KSeF TEST does);
 * `seal`: an organisation's seal (VATPL-<nip>), as an office uses for central authorisation. */
export function selfSignedCertificate(nip: string, seal = false): { certificate_pem: string; private_key_pem: string } {
  const out = python("ksef-gateway", [
    "-c",
    "import json,sys; from ksef_gateway.testing import self_signed; c,k=self_signed(sys.argv[1], seal=sys.argv[2]=='1'); print(json.dumps({'certificate_pem':c,'private_key_pem':k}))",
    nip,
    seal ? "1" : "0",
  ]);
  return JSON.parse(out);
}

export class Api {
  token = "";
  constructor(readonly base = GATEWAY) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}/api${path}`, {
      method,
      headers: {
        "Content-Type": "application/json",
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Log in and work in the given organisation (or the only one). */
  async login(email: string, orgKind: "office" | "company" = "office"): Promise<string> {
    const answer = await this.call<{ access_token: string; contexts: { org: { id: string; kind: string } }[] }>(
      "POST",
      "/auth/login",
      { email, password: PASSWORD },
    );
    this.token = answer.access_token;
    const org = answer.contexts.find((c) => c.org.kind === orgKind)?.org.id;
    if (!org) throw new Error(`${email} has no ${orgKind} context`);
    this.token = (await this.call<{ access_token: string }>("POST", "/auth/context", { org_id: org })).access_token;
    return org;
  }
}

export async function poll<T>(what: string, fn: () => Promise<T | null | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 700));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** The newest link to `path` e-mailed to `to`, from MailDev. */
export async function linkFromMail(to: string, path: string): Promise<string> {
  const pattern = new RegExp(`(https?://[^\\s"'<>]*)?${path.replace("/", "\\/")}\\?token=([A-Za-z0-9_\\-%]+)`);
  return poll(`e-mail to ${to}`, async () => {
    const mails = (await (await fetch(`${MAIL_API}/email`)).json()) as {
      to?: { address: string }[];
      text?: string;
      html?: string;
    }[];
    for (const m of mails.reverse()) {
      const recipients = (m.to ?? []).map((r) => r.address.toLowerCase());
      const match = pattern.exec(`${m.text ?? ""} ${m.html ?? ""}`);
      if (recipients.includes(to) && match) return `${path}?token=${match[2]}`;
    }
    return null;
  });
}

const SEND_INVOICES = `
import asyncio, json, sys
import httpx
from ksef_gateway.testing import SimCompany

async def main() -> None:
    sim, seller_nip, buyer_nip, count, prefix = sys.argv[1:6]
    async with httpx.AsyncClient(timeout=60) as http:
        seller = await SimCompany(http, sim, seller_nip).login()
        numbers = await seller.send_invoices(buyer_nip, int(count), prefix)
        # KSeF lists an invoice only once its PermanentStorage date is behind the HWM
        await http.post(sim.rstrip("/") + "/admin/clock/advance", json={"seconds": 90})
        print(json.dumps(numbers))

asyncio.run(main())
`;

/** The seller issues `count` invoices to the buyer in the KSeF simulator; their KSeF numbers. */
export function sendInvoices(sellerNip: string, buyerNip: string, count: number, prefix: string): string[] {
  const out = python("ksef-gateway", ["-c", SEND_INVOICES, env.KSEF_SIMULATOR_URL, sellerNip, buyerNip, String(count), prefix]);
  return JSON.parse(out.trim().split("\n").at(-1) ?? "[]");
}

const SIM = resolve(ROOT, "web/e2e/sim.py");

function sim(args: string[], input?: string): string {
  return python("ksef-gateway", [SIM, ...args], {}, input);
}

/** In the KSeF simulator, the client company grants the office InvoiceRead. */
export function grantOffice(clientNip: string, officeNip: string): void {
  sim(["grant", env.KSEF_SIMULATOR_URL, clientNip, officeNip]);
}

/** In the KSeF simulator, the client withdraws what it granted the office. */
export function revokeOffice(clientNip: string, officeNip: string): void {
  sim(["revoke", env.KSEF_SIMULATOR_URL, clientNip, officeNip]);
}

/** A new KSeF token of the company, as its owner makes one in KSeF. */
export function ksefToken(nip: string): string {
  return JSON.parse(sim(["token", env.KSEF_SIMULATOR_URL, nip]).trim().split("\n").at(-1) ?? "{}").token;
}

/** XAdES-sign an AuthTokenRequest as the company would with its own tool. */
export function signAuthRequest(xml: string, nip: string): string {
  return sim(["sign", nip], xml);
}

/** The current RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret, `offset` steps on. */
export function totpCode(secret: string, offset = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const mac = createHmac("sha1", key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
