/** The model-registry half of MLflow's REST API: registered models, versions, tags, aliases, legacy stages. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as models from '../store/registered-models.ts';
import * as versions from '../store/model-versions.ts';
import { Params } from './request.ts';
import type { ServerContext } from './context.ts';

export function registryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const p = (req: FastifyRequest) => Params.of(req);

  app.post('/registered-models/create', async (req) => {
    const q = p(req);
    return { registered_model: await models.createRegisteredModel(db, { name: q.need('name'), description: q.string('description'), tags: q.keyValues('tags') }, ctx.now()) };
  });
  app.get('/registered-models/get', async (req) => ({ registered_model: await models.getRegisteredModel(db, p(req).need('name')) }));
  const searchModels = async (req: FastifyRequest) => {
    const q = p(req);
    return models.searchRegisteredModels(db, { filter: q.string('filter'), max_results: q.int('max_results'), order_by: q.strings('order_by'), page_token: q.string('page_token') });
  };
  app.get('/registered-models/search', searchModels);
  app.post('/registered-models/search', searchModels);
  app.patch('/registered-models/update', async (req) => {
    const q = p(req);
    return { registered_model: await models.updateRegisteredModel(db, q.need('name'), q.string('description'), ctx.now()) };
  });
  app.post('/registered-models/rename', async (req) => {
    const q = p(req);
    return { registered_model: await models.renameRegisteredModel(db, q.need('name'), q.need('new_name'), ctx.now()) };
  });
  app.delete('/registered-models/delete', async (req) => (await models.deleteRegisteredModel(db, p(req).need('name')), {}));
  app.post('/registered-models/set-tag', async (req) => {
    const q = p(req);
    await models.setRegisteredModelTag(db, q.need('name'), { key: q.need('key'), value: q.string('value') ?? '' });
    return {};
  });
  app.delete('/registered-models/delete-tag', async (req) => {
    const q = p(req);
    await models.deleteRegisteredModelTag(db, q.need('name'), q.need('key'));
    return {};
  });
  const latest = async (req: FastifyRequest) => {
    const q = p(req);
    const name = q.need('name');
    await models.getRegisteredModel(db, name);
    const list = await versions.latestVersions(db, name, q.strings('stages'));
    return list.length ? { model_versions: list } : {};
  };
  app.post('/registered-models/get-latest-versions', latest);
  app.get('/registered-models/get-latest-versions', latest);

  // Aliases
  app.post('/registered-models/alias', async (req) => {
    const q = p(req);
    await models.setAlias(db, q.need('name'), q.need('alias'), q.need('version'));
    return {};
  });
  app.delete('/registered-models/alias', async (req) => {
    const q = p(req);
    await models.deleteAlias(db, q.need('name'), q.need('alias'));
    return {};
  });
  app.get('/registered-models/alias', async (req) => {
    const q = p(req);
    return { model_version: await models.getByAlias(db, q.need('name'), q.need('alias')) };
  });

  // Model versions
  app.post('/model-versions/create', async (req) => {
    const q = p(req);
    const mv = await versions.createModelVersion(
      db,
      { name: q.need('name'), source: q.need('source'), run_id: q.string('run_id'), run_link: q.string('run_link'), description: q.string('description'), tags: q.keyValues('tags') },
      ctx.now(),
      ctx.lake,
    );
    return { model_version: mv };
  });
  app.get('/model-versions/get', async (req) => {
    const q = p(req);
    return { model_version: await versions.getModelVersion(db, q.need('name'), q.need('version')) };
  });
  const searchVersions = async (req: FastifyRequest) => {
    const q = p(req);
    return versions.searchModelVersions(db, { filter: q.string('filter'), max_results: q.int('max_results'), order_by: q.strings('order_by'), page_token: q.string('page_token') });
  };
  app.get('/model-versions/search', searchVersions);
  app.post('/model-versions/search', searchVersions);
  app.patch('/model-versions/update', async (req) => {
    const q = p(req);
    return { model_version: await versions.updateModelVersion(db, q.need('name'), q.need('version'), q.string('description'), ctx.now()) };
  });
  app.delete('/model-versions/delete', async (req) => {
    const q = p(req);
    await versions.deleteModelVersion(db, q.need('name'), q.need('version'), ctx.now());
    return {};
  });
  app.post('/model-versions/set-tag', async (req) => {
    const q = p(req);
    await versions.setModelVersionTag(db, q.need('name'), q.need('version'), { key: q.need('key'), value: q.string('value') ?? '' });
    return {};
  });
  app.delete('/model-versions/delete-tag', async (req) => {
    const q = p(req);
    await versions.deleteModelVersionTag(db, q.need('name'), q.need('version'), q.need('key'));
    return {};
  });
  // time2bet's own (read-only): the artifact checksums the server computed at creation.
  app.get('/model-versions/get-artifact-checksums', async (req) => {
    const q = p(req);
    return versions.artifactChecksums(db, q.need('name'), q.need('version'));
  });
  app.get('/model-versions/get-download-uri', async (req) => {
    const q = p(req);
    return { artifact_uri: (await versions.getModelVersion(db, q.need('name'), q.need('version'))).source };
  });
  app.post('/model-versions/transition-stage', async (req) => {
    const q = p(req);
    const mv = await versions.transitionStage(db, q.need('name'), q.need('version'), q.need('stage'), q.bool('archive_existing_versions') ?? false, ctx.now());
    return { model_version: mv };
  });
}
