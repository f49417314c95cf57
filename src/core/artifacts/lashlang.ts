/**
 * lashlang module artifacts (spec decision 9). There is no TypeScript
 * lashlang, so an artifact is opaque JSON keyed by its `module_ref`: the
 * store checks the outer shape and that the stored artifact is the one asked
 * for, never the compiled IR. Store bytes are canonical JSON (sorted keys),
 * so equal artifacts always give equal bytes and equal blob refs.
 */
import { insertArtifactBlob, lookupBlob } from '../blobs/blob-table.ts';
import { conditionOf } from '../contract/errors.ts';
import { BlobDescriptors } from '../blobs/descriptor.ts';
import { canonicalJson } from '../codec/canonical-json.ts';
import { utf8Decode, utf8Encode } from '../codec/utf8.ts';
import type { DurabilityTier } from '../driver/types.ts';
import { ArtifactStoreError } from '../contract/errors.ts';
import type { JsonValue } from '../contract/json.ts';
import type { ComponentOperations } from '../driver/operations.ts';
import type { BuiltinBlobProfile } from '../blobs/profile.ts';
import type { BlobIo } from '../blobs/blob-table.ts';
import { expectArray, expectObject, expectString, messageOf } from '../shape.ts';

/** `lashlang:v1:sha256:{64 hex}`: the semantic hash lashlang computes for a module. */
export type ModuleRef = string;

const MODULE_REF = /^lashlang:v[0-9]+:sha256:[0-9a-f]{64}$/;

/** A compiled lashlang module, stored as opaque JSON keyed by its `module_ref`. */
export interface ModuleArtifact {
  /** The module's content ref (`lashlang:v1:sha256:{hex}`). */
  module_ref: ModuleRef;
  /** The host surface the module was compiled against. */
  required_surface_ref: string;
  /** That surface (opaque). */
  required_surface: JsonValue;
  /** What the module exports. */
  exports: { processes?: Record<string, { component: string; pos: number }>; [extra: string]: unknown };
  /** The module's canonical IR (opaque). */
  canonical_ir: JsonValue;
  /** The modules it depends on, if any. */
  dependencies?: ModuleRef[];
  [extra: string]: unknown;
}

/** The lashlang module-artifact store: `put` by artifact, `get` by `module_ref` (`null` when unknown). */
export interface LashlangArtifactStore {
  /** `'durable'` when a stored artifact survives a crash. */
  durabilityTier(): DurabilityTier;
  /** Stores an artifact (idempotent by `module_ref`). */
  putModuleArtifact(artifact: ModuleArtifact): Promise<void>;
  /** `null` for a ref the store does not know. */
  getModuleArtifact(moduleRef: ModuleRef): Promise<ModuleArtifact | null>;
}

/** Checks a module ref; the problem text, or `null` when it is well formed. */
export function moduleRefProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !MODULE_REF.test(value)) {
    return `module_ref must look like lashlang:v1:sha256:<64 hex> (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value})`;
  }
  return null;
}

/** Shape check shared by encode and decode; throws with a precise message. */
function checkArtifact(value: unknown): ModuleArtifact {
  const record = expectObject(value, 'artifact');
  const refProblem = moduleRefProblem(record.module_ref);
  if (refProblem !== null) throw new Error(refProblem);
  expectString(record.required_surface_ref, 'artifact.required_surface_ref');
  if (record.required_surface === undefined) throw new Error('artifact.required_surface is missing');
  if (record.canonical_ir === undefined) throw new Error('artifact.canonical_ir is missing');
  const exports = expectObject(record.exports, 'artifact.exports');
  if (exports.processes !== undefined) {
    for (const [name, process] of Object.entries(expectObject(exports.processes, 'artifact.exports.processes'))) {
      const entry = expectObject(process, `artifact.exports.processes.${name}`);
      expectString(entry.component, `artifact.exports.processes.${name}.component`);
      if (typeof entry.pos !== 'number') throw new Error(`artifact.exports.processes.${name}.pos must be a number`);
    }
  }
  if (record.dependencies !== undefined) {
    expectArray(record.dependencies, 'artifact.dependencies').forEach((dep, i) => {
      const problem = moduleRefProblem(dep);
      if (problem !== null) throw new Error(`artifact.dependencies[${i}]: ${problem}`);
    });
  }
  return record as ModuleArtifact;
}

/** `ModuleArtifact.to_store_bytes()`: checked, then canonical JSON. Throws `ArtifactStoreError` (`Encode`). */
export function moduleArtifactToStoreBytes(artifact: ModuleArtifact): Uint8Array {
  try {
    const checked = checkArtifact(artifact);
    // Empty dependencies are skipped, as serde does.
    const { dependencies, ...rest } = checked;
    return utf8Encode(canonicalJson(dependencies && dependencies.length > 0 ? checked : rest));
  } catch (error) {
    throw new ArtifactStoreError('Encode', messageOf(error), { cause: error });
  }
}

/** `ModuleArtifact.from_store_bytes()`: JSON, then checked. Throws `ArtifactStoreError` (`Decode`). */
export function moduleArtifactFromStoreBytes(bytes: Uint8Array): ModuleArtifact {
  try {
    return checkArtifact(JSON.parse(utf8Decode(bytes)));
  } catch (error) {
    throw new ArtifactStoreError('Decode', messageOf(error), { cause: error });
  }
}

const LASHLANG_MODULE = BlobDescriptors.lashlangModule();
const UPSERT_REF = 'INSERT OR REPLACE INTO artifact_refs (artifact_ref, blob_ref) VALUES (?, ?)';
const SELECT_REF = 'SELECT blob_ref FROM artifact_refs WHERE artifact_ref = ?';
const SELECT_ROOTS = 'SELECT blob_ref FROM artifact_refs ORDER BY artifact_ref';

/** What the artifact table works with (the session store's context satisfies it). */
export interface ArtifactContext extends BlobIo {
  readonly profile: BuiltinBlobProfile;
}

/** Stores the bytes as a `LashlangModule` blob and indexes it; runs inside the caller's write transaction. */
export function insertModuleArtifact(ctx: ArtifactContext, moduleRef: ModuleRef, bytes: Uint8Array): void {
  const blobRef = insertArtifactBlob(ctx, ctx.profile, LASHLANG_MODULE, bytes);
  ctx.conn.run(UPSERT_REF, [moduleRef, blobRef]);
}

/**
 * Reads an indexed artifact: `null` for an unknown ref; `Backend` when the
 * index points at a missing blob; `Decode` when the bytes are corrupt, do not
 * decode, or hold another module.
 */
export function readModuleArtifact(ctx: ArtifactContext, moduleRef: ModuleRef): ModuleArtifact | null {
  const row = ctx.conn.get<{ blob_ref: string }>(SELECT_REF, [moduleRef]);
  if (row === undefined) return null;
  const found = lookupBlob(ctx, row.blob_ref);
  if (found.status === 'missing') {
    throw new ArtifactStoreError('Backend', `lashlang module artifact \`${moduleRef}\` points at a missing blob`);
  }
  if (found.status === 'corrupt') {
    ctx.logger.warn('lashlang module artifact blob is corrupt', { module_ref: moduleRef, reason: found.reason });
    throw new ArtifactStoreError('Decode', `blob of \`${moduleRef}\` is corrupt: ${found.reason}`);
  }
  const artifact = moduleArtifactFromStoreBytes(found.content);
  if (artifact.module_ref !== moduleRef) {
    ctx.logger.warn('lashlang module artifact is stored under another ref', { module_ref: moduleRef, found: artifact.module_ref });
    throw new ArtifactStoreError('Decode', `artifact stored under \`${moduleRef}\` has module_ref \`${artifact.module_ref}\``);
  }
  return artifact;
}

/** Every artifact blob: GC roots. */
export function artifactRootRefs(ctx: ArtifactContext): string[] {
  return ctx.conn.all<{ blob_ref: string }>(SELECT_ROOTS).map((row) => row.blob_ref);
}

/** Keeps artifacts in a map; lost with the process (tier `inline`). */
export class InMemoryLashlangArtifactStore implements LashlangArtifactStore {
  readonly #artifacts = new Map<ModuleRef, Uint8Array>();

  /** Always `'inline'`. */
  durabilityTier(): DurabilityTier {
    return 'inline';
  }

  /** Stores an artifact in memory. */
  async putModuleArtifact(artifact: ModuleArtifact): Promise<void> {
    this.#artifacts.set(artifact.module_ref, moduleArtifactToStoreBytes(artifact));
  }

  async getModuleArtifact(moduleRef: ModuleRef): Promise<ModuleArtifact | null> {
    const bytes = this.#artifacts.get(moduleRef);
    return bytes === undefined ? null : moduleArtifactFromStoreBytes(bytes);
  }
}

/**
 * The session store's `LashlangArtifactStore` methods. Artifacts put or read
 * are cached per instance (they never change under their ref); every caller
 * gets its own copy, so mutating a returned artifact changes nothing stored
 * or returned later.
 */
export class ArtifactEngine {
  readonly #ctx: ArtifactContext & { readonly ops: ComponentOperations };
  readonly #cache = new Map<ModuleRef, ModuleArtifact>();

  constructor(ctx: ArtifactContext & { readonly ops: ComponentOperations }) {
    this.#ctx = ctx;
  }

  /** Stores an artifact (a GC root from now on). Throws `ArtifactStoreError`. */
  async putModuleArtifact(artifact: ModuleArtifact): Promise<void> {
    const ctx = this.#ctx;
    this.#ensureOpen();
    const bytes = moduleArtifactToStoreBytes(artifact);
    try {
      await ctx.ops.runner.write(() => insertModuleArtifact(ctx, artifact.module_ref, bytes));
    } catch (error) {
      throw artifactError(error);
    }
    this.#cache.set(artifact.module_ref, JSON.parse(utf8Decode(bytes)) as ModuleArtifact);
  }

  /** The artifact, or `null` for an unknown ref. Throws `ArtifactStoreError` for corrupt or mismatched bytes. */
  async getModuleArtifact(moduleRef: ModuleRef): Promise<ModuleArtifact | null> {
    const ctx = this.#ctx;
    this.#ensureOpen();
    const problem = moduleRefProblem(moduleRef);
    if (problem !== null) throw new ArtifactStoreError('Backend', problem, { condition: 'InvalidInput' });
    const cached = this.#cache.get(moduleRef);
    if (cached !== undefined) return structuredClone(cached);
    let artifact: ModuleArtifact | null;
    try {
      artifact = await ctx.ops.runner.read(() => readModuleArtifact(ctx, moduleRef));
    } catch (error) {
      throw artifactError(error);
    }
    if (artifact === null) return null;
    this.#cache.set(moduleRef, structuredClone(artifact));
    return artifact;
  }

  /** Drops the cache. */
  clear(): void {
    this.#cache.clear();
  }

  #ensureOpen(): void {
    try {
      this.#ctx.ops.ensureOpen();
    } catch {
      throw new ArtifactStoreError('Backend', 'the store is closed');
    }
  }
}

function artifactError(error: unknown): ArtifactStoreError {
  if (error instanceof ArtifactStoreError) return error;
  return new ArtifactStoreError('Backend', messageOf(error), { cause: error, condition: conditionOf(error)?.kind ?? null });
}
