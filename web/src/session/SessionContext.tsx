// Who is logged in, where they work (the context) and which client company an office user
// is looking at. Tokens live in the API client; this keeps what the screens need.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { auth, type Context, type Invitation, type LoginAnswer, type User } from "../api/auth";
import { getTokens, onTokensChange, setTokens } from "../api/client";

const CONTEXT_KEY = "rachmistrz.context";

export interface Session {
  status: "loading" | "anonymous" | "ready";
  user: User | null;
  contexts: Context[];
  invitations: Invitation[];
  context: Context | null;
  signIn: (answer: LoginAnswer) => void;
  chooseContext: (orgId: string) => Promise<void>;
  reload: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionCtx = createContext<Session | null>(null);

function storedContext(): Context | null {
  try {
    const raw = sessionStorage.getItem(CONTEXT_KEY);
    return raw ? (JSON.parse(raw) as Context) : null;
  } catch {
    return null;
  }
}

function storeContext(context: Context | null): void {
  if (context) sessionStorage.setItem(CONTEXT_KEY, JSON.stringify(context));
  else sessionStorage.removeItem(CONTEXT_KEY);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Session["status"]>(getTokens() ? "loading" : "anonymous");
  const [user, setUser] = useState<User | null>(null);
  const [contexts, setContexts] = useState<Context[]>([]);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [context, setContext] = useState<Context | null>(storedContext);

  const clear = useCallback(() => {
    setUser(null);
    setContexts([]);
    setInvitations([]);
    setContext(null);
    storeContext(null);
    setStatus("anonymous");
  }, []);

  const reload = useCallback(async () => {
    try {
      const me = await auth.me();
      setUser(me.user);
      setContexts(me.contexts);
      setInvitations(me.pending_invitations);
      setStatus("ready");
    } catch {
      setTokens(null);
      clear();
    }
  }, [clear]);

  useEffect(() => {
    if (getTokens()) void reload();
    return onTokensChange((t) => {
      if (!t) clear();
    });
  }, [reload, clear]);

  const signIn = useCallback((answer: LoginAnswer) => {
    setTokens({ access: answer.access_token, refresh: answer.refresh_token });
    setUser(answer.user);
    setContexts(answer.contexts);
    setInvitations(answer.pending_invitations);
    setContext(answer.context);
    storeContext(answer.context);
    setStatus("ready");
  }, []);

  const chooseContext = useCallback(async (orgId: string) => {
    const answer = await auth.chooseContext(orgId);
    setTokens({ access: answer.access_token, refresh: getTokens()?.refresh ?? null });
    setContext(answer.context);
    storeContext(answer.context);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } catch {
      /* the session may already be gone */
    }
    setTokens(null);
    clear();
  }, [clear]);

  const value = useMemo<Session>(
    () => ({ status, user, contexts, invitations, context, signIn, chooseContext, reload, signOut }),
    [status, user, contexts, invitations, context, signIn, chooseContext, reload, signOut],
  );
  return <SessionCtx.Provider value={value}>{children}</SessionCtx.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionCtx);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}

export function isOffice(context: Context | null): boolean {
  return context?.org.kind === "office";
}
