// The client company an office user is working on (URL `?firma=`), or the context's own company.
import { useCallback, useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { allClients, type Organisation } from "../api/auth";
import { isOffice, useSession } from "./SessionContext";

const LAST_KEY = "rachmistrz.company";
let clientsCache: { officeId: string; items: Promise<Organisation[]> } | null = null;

/** The office's clients, loaded once per office per page load. */
export function officeClients(officeId: string): Promise<Organisation[]> {
  if (clientsCache?.officeId !== officeId) {
    const items = allClients().catch((e) => {
      clientsCache = null;
      throw e;
    });
    clientsCache = { officeId, items };
  }
  return clientsCache.items;
}

export function forgetClients(): void {
  clientsCache = null;
}

export interface CompanyChoice {
  /** The selected company's id; undefined: an office user sees all their clients. */
  companyId: string | undefined;
  setCompanyId: (id: string | undefined) => void;
  office: boolean;
}

export function useCompany(): CompanyChoice {
  const { context } = useSession();
  const [params, setParams] = useSearchParams();
  const office = isOffice(context);
  const fromUrl = params.get("firma") ?? undefined;
  const companyId = office ? fromUrl : context?.org.id;
  const setCompanyId = useCallback(
    (id: string | undefined) => {
      const next = new URLSearchParams(params);
      if (id) next.set("firma", id);
      else next.delete("firma");
      if (id) sessionStorage.setItem(LAST_KEY, id);
      else sessionStorage.removeItem(LAST_KEY);
      setParams(next, { replace: true });
    },
    [params, setParams],
  );
  return { companyId, setCompanyId, office };
}

/** For screens that need one company: the URL's, else the last one chosen. */
export function useRequiredCompany(): CompanyChoice {
  const choice = useCompany();
  const { setCompanyId } = choice;
  useEffect(() => {
    if (choice.office && !choice.companyId) {
      const last = sessionStorage.getItem(LAST_KEY);
      if (last) setCompanyId(last);
    }
  }, [choice.office, choice.companyId, setCompanyId]);
  return choice;
}

export function useOfficeClients(): { clients: Organisation[]; loading: boolean; error: string | null } {
  const { context } = useSession();
  const [clients, setClients] = useState<Organisation[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const officeId = isOffice(context) ? context?.org.id : undefined;
  useEffect(() => {
    if (!officeId) {
      setLoading(false);
      return;
    }
    let live = true;
    officeClients(officeId)
      .then((items) => live && setClients(items))
      .catch((e: Error) => live && setError(e.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [officeId]);
  return { clients, loading, error };
}
