// Who is logged in, where they work (the context) and which client company an office user
// is looking at. The access token lives in the API client's memory and the refresh token in an
// HttpOnly cookie; on a reload the session comes back by trading the cookie (refreshTokens).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { auth, type Context, type Invitation, type LoginAnswer, type User } from "../api/auth";
import { getAccessToken, mayHaveSession, onTokensChange, refreshTokens, setAccessToken } from "../api/client";

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
  const [status, setStatus] = useState<Session["status"]>(
    getAccessToken() || mayHaveSession() ? "loading" : "anonymous",
  );
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
      setAccessToken(null);
      clear();
    }
  }, [clear]);

  /** After a reload: the cookie gives a new access token, in the context the session had. */
  const restore = useCallback(async () => {
    const answer = await refreshTokens();
    if (!answer) return clear();
    setContext(answer.context);
    storeContext(answer.context);
    await reload();
  }, [clear, reload]);

  useEffect(() => {
    if (getAccessToken()) void reload();
    else if (mayHaveSession()) void restore();
    return onTokensChange((t) => {
      if (!t) clear();
    });
  }, [reload, restore, clear]);

  const signIn = useCallback((answer: LoginAnswer) => {
    setAccessToken(answer.access_token);
    setUser(answer.user);
    setContexts(answer.contexts);
    setInvitations(answer.pending_invitations);
    setContext(answer.context);
    storeContext(answer.context);
    setStatus("ready");
  }, []);

  const chooseContext = useCallback(async (orgId: string) => {
    const answer = await auth.chooseContext(orgId);
    setAccessToken(answer.access_token);
    setContext(answer.context);
    storeContext(answer.context);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } catch {
      /* the session may already be gone */
    }
    setAccessToken(null);
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
