import type { OidcProviderService } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import { getCaller } from "../auth/caller.js";
import { discoverIssuer } from "../oidc/discover-issuer.js";
import { toProviderProto } from "../oidc/oidc-provider-protos.js";
import {
  createProvider,
  deleteProvider,
  getProvider,
  listProviders,
  setEnabled,
  setRules,
  updateSettings,
} from "../oidc/oidc-providers.js";
import { checkIssuer, checkRules, checkSettings } from "../oidc/oidc-settings.js";
import { listSignIns } from "../oidc/oidc-sign-ins.js";
import { redeemOidcCode } from "../oidc/redeem-oidc-code.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.OidcProviderService: sign-in providers admins manage; every change is audited, no secret returned. */
export function createOidcProviderService(ctx: ServerContext): ServiceImpl<typeof OidcProviderService> {
  const db = ctx.store.db;
  // What the audit trail keeps of a provider: its settings and rules, never the secret.
  const audit = (
    hctx: Parameters<typeof getCaller>[0],
    action: string,
    id: string,
    details?: Record<string, unknown>,
  ) => recordAudit(db, { actor: getCaller(hctx), action, target: id, details });

  return {
    async listOidcProviders() {
      return { providers: (await listProviders(db)).map(toProviderProto) };
    },

    async createOidcProvider(req, hctx) {
      if (!req.settings) throw new ConnectError("field settings: required", Code.InvalidArgument);
      const settings = checkSettings(req.settings);
      const rules = checkRules(req.rules);
      const created = await createProvider(db, {
        id: req.id,
        settings,
        clientSecret: req.clientSecret,
        rules,
      });
      await audit(hctx, "oidc_provider.create", req.id, { ...settings, rules });
      return { provider: toProviderProto(created) };
    },

    async updateOidcProvider(req, hctx) {
      if (!req.settings) throw new ConnectError("field settings: required", Code.InvalidArgument);
      const settings = checkSettings(req.settings);
      const updated = await updateSettings(db, req.id, settings, req.clientSecret);
      await audit(hctx, "oidc_provider.update", req.id, {
        ...settings,
        secretReplaced: req.clientSecret !== "",
      });
      return { provider: toProviderProto(updated) };
    },

    async setOidcProviderRules(req, hctx) {
      const rules = checkRules(req.rules);
      const updated = await setRules(db, req.id, rules);
      await audit(hctx, "oidc_provider.rules", req.id, { rules });
      return { provider: toProviderProto(updated) };
    },

    async disableOidcProvider(req, hctx) {
      const updated = await setEnabled(db, req.id, false);
      await audit(hctx, "oidc_provider.disable", req.id);
      return { provider: toProviderProto(updated) };
    },

    async enableOidcProvider(req, hctx) {
      const updated = await setEnabled(db, req.id, true);
      await audit(hctx, "oidc_provider.enable", req.id);
      return { provider: toProviderProto(updated) };
    },

    async deleteOidcProvider(req, hctx) {
      await deleteProvider(db, req.id);
      await audit(hctx, "oidc_provider.delete", req.id);
      return {};
    },

    async testOidcProvider(req, hctx) {
      if (!req.id && !req.issuer) {
        throw new ConnectError(
          "field id: name a saved provider, or give an issuer to test",
          Code.InvalidArgument,
        );
      }
      const issuer = req.id ? (await getProvider(db, req.id)).issuer : req.issuer.trim();
      if (!req.id) checkIssuer(issuer, "issuer");
      return discoverIssuer(issuer, hctx.signal);
    },

    async listOidcProviderSignIns(req) {
      await getProvider(db, req.id);
      return { signIns: await listSignIns(db, req.id) };
    },

    async redeemOidcCode(req) {
      const provider = await getProvider(db, req.id);
      if (!provider.enabled) {
        throw new ConnectError(`sign-in provider "${req.id}" is disabled`, Code.FailedPrecondition);
      }
      let callbackUrl: URL;
      try {
        callbackUrl = new URL(req.callbackUrl);
      } catch {
        throw new ConnectError("field callback_url: not an absolute URL", Code.InvalidArgument);
      }
      const { claims, expiresAt } = await redeemOidcCode(provider, callbackUrl, req);
      return { claimsJson: JSON.stringify(claims), expiresAt: timestampFromMs(expiresAt) };
    },
  };
}
