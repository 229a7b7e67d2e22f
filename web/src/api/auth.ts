// auth: accounts, login, context, invitations, people of an office.
import { api, type TokenAnswer } from "./client";

export type { TokenAnswer };

export type OrgKind = "office" | "company";

export interface Organisation {
  id: string;
  kind: OrgKind;
  nip: string;
  name: string;
  address?: string | null;
}

export interface Context {
  org: Organisation;
  role: string;
  all_clients: boolean;
}

export interface User {
  id: string;
  email: string;
  full_name: string | null;
  status: string;
  totp_enabled: boolean;
}

export interface Invitation {
  id: string;
  org: Organisation;
  email: string;
  role: string;
  inviter_name: string | null;
  status: string;
  expires_at: string;
}

/** The refresh token also comes back in the body (for other clients); the portal ignores it
 * and relies on the HttpOnly cookie auth sets with it. */
export interface LoginAnswer extends TokenAnswer {
  session_id: string;
  user: User;
  contexts: Context[];
  pending_invitations: Invitation[];
}

export interface Me {
  user: User;
  contexts: Context[];
  pending_invitations: Invitation[];
}

export interface LoginInput {
  email: string;
  password: string;
  totp_code?: string;
  recovery_code?: string;
  org_id?: string;
}

export interface ClientsPage {
  items: Organisation[];
  next_after: string | null;
}

export interface Member {
  user: User;
  role: string;
  all_clients: boolean;
}

export const auth = {
  login: (input: LoginInput) =>
    api<LoginAnswer>("/auth/login", { json: input, anonymous: true }),
  chooseContext: (orgId: string) => api<TokenAnswer>("/auth/context", { json: { org_id: orgId } }),
  logout: () => api<void>("/auth/logout", { method: "POST" }),
  me: () => api<Me>("/auth/me"),
  changePassword: (current: string, next: string) =>
    api<void>("/auth/me/password", { json: { current_password: current, new_password: next } }),
  invitations: () => api<Invitation[]>("/auth/me/invitations"),
  acceptInvitation: (id: string) => api<Invitation>(`/auth/me/invitations/${id}/accept`, { method: "POST" }),
  rejectInvitation: (id: string) => api<Invitation>(`/auth/me/invitations/${id}/reject`, { method: "POST" }),
  describeActivation: (token: string) =>
    api<{ email: string; full_name: string | null }>("/auth/activation", { query: { token }, anonymous: true }),
  activate: (token: string, password: string) =>
    api<void>("/auth/activation", { json: { token, password }, anonymous: true }),
  requestReset: (email: string) =>
    api<{ status: string }>("/auth/password-reset", { json: { email }, anonymous: true }),
  confirmReset: (token: string, password: string) =>
    api<void>("/auth/password-reset/confirm", { json: { token, password }, anonymous: true }),
  startTotp: () => api<{ secret: string; otpauth_uri: string; qr_svg: string }>("/auth/me/totp", { method: "POST" }),
  confirmTotp: (code: string) => api<{ recovery_codes: string[] }>("/auth/me/totp/confirm", { json: { code } }),
  disableTotp: (password: string, code: string) => api<void>("/auth/me/totp/disable", { json: { password, code } }),
  clients: (after?: string, limit = 500) => api<ClientsPage>("/auth/clients", { query: { after, limit } }),
  addClients: (clients: { nip: string; name: string; address?: string }[]) =>
    api<{ company: Organisation; created: boolean }[]>("/auth/clients", { json: { clients } }),
  members: (orgId?: string) => api<Member[]>("/auth/members", { query: { org_id: orgId } }),
  createMember: (input: { email: string; full_name: string; role: string; org_id?: string; all_clients?: boolean }) =>
    api<Member>("/auth/members", { json: input }),
  invite: (input: { email: string; role: string; org_id?: string }) => api<Invitation>("/auth/invitations", { json: input }),
};

/** All client companies of the office (pages of 500, ordered by NIP). */
export async function allClients(max = 10_000): Promise<Organisation[]> {
  const found: Organisation[] = [];
  let after: string | undefined;
  do {
    const page = await auth.clients(after);
    found.push(...page.items);
    after = page.next_after ?? undefined;
  } while (after && found.length < max);
  return found;
}

export const ROLE_LABELS: Record<string, string> = {
  admin: "administrator",
  manager: "kierownik",
  employee: "pracownik",
  owner: "właściciel",
  client: "klient",
};
