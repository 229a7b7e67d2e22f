// Routes: public screens (login, activation, reset) and the portal behind login + context.
import type { ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { Layout } from "./components/Layout";
import { Loading } from "./components/ui";
import { Account } from "./pages/Account";
import { ForgotPassword, SetPassword } from "./pages/Activation";
import { ContextChoice } from "./pages/ContextChoice";
import { Dashboard } from "./pages/Dashboard";
import { Files } from "./pages/files/Files";
import { Invitations } from "./pages/Invitations";
import { InvoiceDetails } from "./pages/invoices/InvoiceDetails";
import { Invoices } from "./pages/invoices/Invoices";
import { IssueInvoice } from "./pages/issue/IssueInvoice";
import { CompanyKsef } from "./pages/ksef/CompanyKsef";
import { OfficeClients } from "./pages/ksef/OfficeClients";
import { Login } from "./pages/Login";
import { Messages } from "./pages/messages/Messages";
import { Taxes } from "./pages/taxes/Taxes";
import { useSession } from "./session/SessionContext";

/** Logged in (else to the login screen), and working in a context (else to the choice). */
function Private({ children, needsContext = true }: { children: ReactNode; needsContext?: boolean }) {
  const { status, context } = useSession();
  const location = useLocation();
  const from = location.pathname + location.search;
  if (status === "loading") return <Loading />;
  if (status === "anonymous") return <Navigate to="/logowanie" replace state={{ from }} />;
  if (needsContext && !context) return <Navigate to="/kontekst" replace state={{ from }} />;
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/logowanie" element={<Login />} />
      <Route path="/aktywacja" element={<SetPassword purpose="activation" />} />
      <Route path="/reset-hasla" element={<SetPassword purpose="reset" />} />
      <Route path="/nie-pamietam-hasla" element={<ForgotPassword />} />
      <Route
        path="/kontekst"
        element={
          <Private needsContext={false}>
            <div className="standalone">
              <ContextChoice />
            </div>
          </Private>
        }
      />
      <Route
        element={
          <Private>
            <Layout />
          </Private>
        }
      >
        <Route index element={<Dashboard />} />
        <Route path="faktury" element={<Invoices />} />
        <Route path="faktury/nowa" element={<IssueInvoice />} />
        <Route path="faktury/:id" element={<InvoiceDetails />} />
        <Route path="podatki" element={<Taxes />} />
        <Route path="wiadomosci" element={<Messages />} />
        <Route path="wiadomosci/:id" element={<Messages />} />
        <Route path="pliki" element={<Files />} />
        <Route path="klienci" element={<OfficeClients />} />
        <Route path="ksef" element={<CompanyKsef />} />
        <Route path="konto" element={<Account />} />
      </Route>
      <Route
        path="/zaproszenia"
        element={
          <Private needsContext={false}>
            <div className="standalone">
              <Invitations />
            </div>
          </Private>
        }
      />
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
