/**
 * The hub layer: gets base models onto this machine from the Hugging Face Hub and tells users facts about them,
 * in plain Java ({@link java.net.http.HttpClient} and Jackson) with no framework dependencies.
 *
 * <ul>
 *   <li>{@link dev.personaforge.hub.HubClient} asks the Hub ({@code HF_ENDPOINT}, token {@code HF_TOKEN}) for a
 *       model's files and opens downloads; failures are {@link dev.personaforge.hub.HubException}s whose messages
 *       say what to do (use a local directory, accept a licence, set a token, check an id).</li>
 *   <li>{@link dev.personaforge.hub.ModelDownloader} installs what the engine needs into
 *       {@code <modelsDir>/<owner>/<name>/}: each file through a resumable, hash-verified {@code .part}, then a
 *       {@code .complete} marker ({@link dev.personaforge.hub.InstallMarker}). Requests for a model already
 *       downloading share its {@link dev.personaforge.hub.DownloadHandle}.</li>
 *   <li>{@link dev.personaforge.hub.HfCache} finds snapshots the Python tools already downloaded.</li>
 *   <li>{@link dev.personaforge.hub.ModelLocator} turns a base-model reference into a directory: a local
 *       directory, a complete install, or an HF cache snapshot, in that order.</li>
 *   <li>{@link dev.personaforge.hub.ModelFacts} reads architecture, size, context length, chat template and
 *       {@link dev.personaforge.hub.LicenceInfo licence} from a model directory (safetensors headers only) or
 *       from the Hub's info before download; what can't be read is absent with a reason.</li>
 * </ul>
 *
 * <p>Only safetensors weights are supported. Nothing here logs; the token is sent to the Hub's own origin only.
 */
package dev.personaforge.hub;
