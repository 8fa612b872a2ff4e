/**
 * The dataset layer: importing, exporting, splitting and analyzing a persona's prompt/completion pairs, in plain
 * Java with no framework dependencies.
 *
 * <ul>
 *   <li>{@link dev.personaforge.dataset.DatasetParser} reads an uploaded file (prompt/completion JSONL, OpenAI chat
 *       JSONL, Alpaca JSONL or JSON array, CSV) into {@link dev.personaforge.dataset.ImportedPair}s and
 *       {@link dev.personaforge.dataset.ImportProblem}s that name the line and field.</li>
 *   <li>{@link dev.personaforge.dataset.DatasetExporter} writes pairs back out in a form the parser reads to the
 *       same texts, tags and splits.</li>
 *   <li>{@link dev.personaforge.dataset.DatasetSplitter} assigns train/validation deterministically.</li>
 *   <li>{@link dev.personaforge.dataset.DatasetAnalyzer} computes statistics and the warnings shown before
 *       training.</li>
 * </ul>
 *
 * <p>Texts are stored with LF line ends and otherwise as written. Duplicates are detected everywhere with
 * {@link dev.personaforge.dataset.PairHash}, which also ignores surrounding whitespace; tags follow
 * {@link dev.personaforge.dataset.PairTags}.
 */
package dev.personaforge.dataset;
