package dev.personaforge.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fetches the small metadata files of a Hub model (config, tokenizer config, model card, licence) so its facts
 * can be shown before anyone downloads the weights.
 */
public final class ModelPreview {
    /** Files read for the facts; each is at most {@link #MAX_FILE_BYTES}, the weights are never fetched. */
    static final List<String> FILES = List.of("config.json", "tokenizer_config.json", "chat_template.jinja",
            "README.md", "LICENSE", "LICENSE.txt", "LICENSE.md");
    static final long MAX_FILE_BYTES = 4L << 20;

    private ModelPreview() {}

    /**
     * Fetches {@code repoId}'s metadata into {@code dir} (replacing what was there) and returns the Hub's model
     * info, from which {@link ModelFacts#beforeDownload} takes the file sizes and the card's licence.
     */
    public static RepoInfo fetch(HubClient hub, String repoId, Path dir) throws HubException, IOException {
        RepoInfo info = hub.info(repoId, null);
        Path staging = Files.createDirectories(dir.getParent()).resolve(dir.getFileName() + ".partial");
        deleteTree(staging);
        Files.createDirectories(staging);
        for (String name : FILES) {
            RepoFile file = info.file(name).orElse(null);
            if (file == null || (file.hasSize() && file.size() > MAX_FILE_BYTES)) {
                continue;
            }
            try (FileStream stream = hub.openFile(repoId, info.sha(), name, 0);
                    InputStream in = stream.body();
                    OutputStream out = Files.newOutputStream(staging.resolve(name))) {
                long copied = in.transferTo(out);
                if (copied > MAX_FILE_BYTES) {
                    throw new HubException(repoId + "/" + name + " is larger than " + MAX_FILE_BYTES + " bytes");
                }
            }
        }
        deleteTree(dir);
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        return info;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
