/**
 * MLflow's proxied artifact service (`/api/2.0/mlflow-artifacts/...`): upload, download, list and
 * delete artifacts held in the lake, streamed both ways. Multipart upload is answered
 * NOT_IMPLEMENTED, which MLflow clients handle by uploading with a single PUT.
 */
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter, MlflowError } from '../errors.ts';
import type { Readable } from 'node:stream';
import { deleteArtifact, getArtifact, listArtifacts, putArtifact, safePath } from '../store/artifacts.ts';
import type { ServerContext } from './context.ts';

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.yaml': 'text/yaml',
  '.yml': 'text/yaml',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function wildcard(req: FastifyRequest): string {
  const raw = (req.params as { '*'?: string })['*'] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidParameter(`Invalid path: ${raw}`);
  }
}

export function artifactRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { lake } = ctx;
  app.removeAllContentTypeParsers();
  // Bodies stay streams: an upload goes to the lake as it arrives, whatever its size or type.
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.put('/artifacts/*', async (req) => {
    const p = wildcard(req);
    safePath(p);
    await putArtifact(lake, p, (req.body as Readable | undefined) ?? new Uint8Array());
    return {};
  });
  app.get('/artifacts/*', async (req, reply) => {
    const p = wildcard(req);
    const stream = await getArtifact(lake, p);
    const ext = path.extname(p).toLowerCase();
    const type = (Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined) ?? 'application/octet-stream';
    reply
      .header('content-type', type)
      .header('content-disposition', `attachment; filename=${path.basename(p)}`)
      .header('x-content-type-options', 'nosniff');
    return reply.send(stream);
  });
  app.get('/artifacts', async (req) => {
    const q = (req.query ?? {}) as { path?: string };
    const dir = safePath(typeof q.path === 'string' ? q.path : '');
    const files = await listArtifacts(lake, dir);
    return files.length ? { files } : {};
  });
  app.delete('/artifacts/*', async (req) => {
    await deleteArtifact(lake, wildcard(req), ctx.db);
    return {};
  });
  for (const op of ['create', 'complete', 'abort']) {
    app.post(`/mpu/${op}/*`, async (req) => {
      if (!wildcard(req)) throw invalidParameter('Request must specify an artifact path.');
      throw new MlflowError('NOT_IMPLEMENTED', 'Multipart upload is not supported by this server; upload the artifact with a single PUT.');
    });
  }
}
