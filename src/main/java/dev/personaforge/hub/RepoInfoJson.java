package dev.personaforge.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON of {@code GET /api/models/{id}/revision/{rev}?blobs=true} into a {@link RepoInfo}.
 */
final class RepoInfoJson {

    private RepoInfoJson() {
    }

    /** Parses the Hub's answer; {@code requestedId} names the model in messages when the answer lacks an id. */
    static RepoInfo parse(String requestedId, JsonNode root) throws HubException {
        String sha = text(root, "sha");
        if (sha == null) {
            throw new HubException("The Hub's answer for " + requestedId + " has no commit sha; "
                    + "is HF_ENDPOINT pointing at a Hugging Face Hub (or a compatible mirror)?");
        }
        String id = text(root, "id") != null ? text(root, "id") : requestedId;
        JsonNode card = root.path("cardData");
        JsonNode config = root.path("config");
        return new RepoInfo(id, sha, files(root.path("siblings")), first(card.path("license")),
                text(card, "license_name"), text(card, "license_link"), gated(root.path("gated")),
                strings(config.path("architectures")), text(config, "model_type"), parameters(root));
    }

    private static List<RepoFile> files(JsonNode siblings) {
        List<RepoFile> files = new ArrayList<>();
        for (JsonNode s : siblings) {
            String name = text(s, "rfilename");
            if (name == null) {
                continue;
            }
            JsonNode lfs = s.path("lfs");
            long size = s.path("size").canConvertToLong() ? s.path("size").asLong()
                    : lfs.path("size").canConvertToLong() ? lfs.path("size").asLong() : -1;
            files.add(new RepoFile(name, size, text(s, "blobId"), text(lfs, "sha256")));
        }
        return files;
    }

    private static Long parameters(JsonNode root) {
        JsonNode total = root.path("safetensors").path("total");
        return total.canConvertToLong() && total.asLong() >= 0 ? total.asLong() : null;
    }

    /** {@code gated} is {@code false} or the gating mode ({@code "auto"}, {@code "manual"}). */
    private static String gated(JsonNode node) {
        if (node.isTextual() && !node.asText().isBlank()) {
            return node.asText();
        }
        return node.isBoolean() && node.asBoolean() ? "true" : null;
    }

    /** Card fields such as {@code license} may be a string or a list of strings. */
    private static String first(JsonNode node) {
        if (node.isArray()) {
            return node.size() > 0 && node.get(0).isTextual() ? node.get(0).asText() : null;
        }
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (n.isTextual()) {
                out.add(n.asText());
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
