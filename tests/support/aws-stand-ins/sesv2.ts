import { restJsonError } from '../../../functions/local/aws-contract/refusal';
import { jsonAnswer, serveStandIn } from './http-stand-in';

export interface SesAccountStandIn {
  url: string;
  close(): Promise<void>;
}

/**
 * SES v2's GetAccount and GetEmailIdentity on loopback (REST-JSON): the account's sandbox state and
 * quota, and the sending identities the test says are verified with DKIM.
 */
export async function startSesAccountStandIn(options: {
  productionAccess: boolean;
  identities: string[];
}): Promise<SesAccountStandIn> {
  const service = await serveStandIn((request) => {
    const { pathname } = new URL(request.url, 'http://ses.local');
    if (request.method === 'GET' && pathname === '/v2/email/account')
      return jsonAnswer(200, {
        ProductionAccessEnabled: options.productionAccess,
        SendingEnabled: true,
        SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
      });
    const identity = /^\/v2\/email\/identities\/([^/]+)$/.exec(pathname)?.[1];
    if (request.method === 'GET' && identity) {
      const name = decodeURIComponent(identity);
      if (!options.identities.includes(name))
        return restJsonError({
          code: 'NotFoundException',
          message: `Email identity ${name} does not exist.`,
          status: 404,
        });
      return jsonAnswer(200, {
        IdentityType: 'DOMAIN',
        VerifiedForSendingStatus: true,
        DkimAttributes: { SigningEnabled: true, Status: 'SUCCESS' },
      });
    }
    return restJsonError({
      code: 'NotFoundException',
      message: `${request.method} ${pathname}`,
      status: 404,
    });
  });
  return { url: service.url, close: service.close };
}
