package dev.personaforge.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.basemodel.ModelNotInstalledException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.SamplingParams;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs chat turns: checks a request at once (so bad input is a 4xx before any streaming), then on a worker thread
 * of its own leases the base model (reporting "Loading model…" while it loads), waits its turn on that model, and
 * generates every column's reply in one batched pass, reporting each step as a {@link ChatEvent}.
 *
 * <p>Only the model's own gate is held while generating, so chats on other models and training runs go on.
 */
@ApplicationScoped
public class ChatTurns {

    /** Longest accepted user message, in characters. */
    public static final int MAX_MESSAGE_CHARS = 16_000;

    /** Receives the events of one turn, from the worker thread. */
    @FunctionalInterface
    public interface Sink {
        void emit(ChatEvent event);
    }

    /** A checked turn whose memory changes are made, ready to run once. */
    public final class PendingTurn {
        private final ChatSession session;
        private final ChatSession.Turn turn;
        private final List<List<ChatMessage>> snapshots;
        private final SamplingParams sampling;

        private PendingTurn(ChatSession session, ChatSession.Turn turn, List<List<ChatMessage>> snapshots) {
            this.session = session;
            this.turn = turn;
            this.snapshots = snapshots;
            this.sampling = session.settings().toSampling();
        }

        /** Starts generating on a worker; the future completes after the last event. */
        public CompletableFuture<Void> start(Sink sink) {
            return CompletableFuture.runAsync(() -> execute(this, sink), workers);
        }

        /** Stops the turn (a client went away or pressed stop). */
        public void cancel() {
            turn.cancel();
        }
    }

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chat-generation-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    @Inject
    BaseModelRegistry registry;

    @Inject
    AdapterCache adapters;

    @Inject
    PartialModelCache partialModels;

    /** Adds {@code message} to every column and claims the session for the reply. */
    public PendingTurn send(ChatSession session, String message) {
        if (message == null || message.isBlank()) {
            throw ValidationException.of("message", "is required");
        }
        if (message.length() > MAX_MESSAGE_CHARS) {
            throw ValidationException.of("message", "is " + message.length() + " characters, over the limit of " + MAX_MESSAGE_CHARS);
        }
        requireInstalled(session);
        ChatSession.Turn turn = session.begin();
        List<List<ChatMessage>> snapshots = snapshot(session);
        session.columns().forEach(c -> c.memory().add(UserMessage.from(message)));
        return new PendingTurn(session, turn, snapshots);
    }

    /** Drops every column's last reply so the last user message is answered again. */
    public PendingTurn regenerate(ChatSession session) {
        requireInstalled(session);
        ChatSession.Turn turn = session.begin();
        List<List<ChatMessage>> snapshots = snapshot(session);
        session.columns().forEach(ChatColumn::dropLastReply);
        if (!session.columns().stream().allMatch(ChatColumn::awaitsReply)) {
            restore(session, snapshots);
            session.end(turn);
            throw ValidationException.of("regenerate", "there is no message to answer again yet; send one first");
        }
        return new PendingTurn(session, turn, snapshots);
    }

    private void requireInstalled(ChatSession session) {
        if (registry.directory(session.baseModel()).isEmpty()) {
            throw new ModelNotInstalledException(session.baseModel());
        }
    }

    private void execute(PendingTurn pending, Sink sink) {
        ChatSession session = pending.session;
        ChatSession.Turn turn = pending.turn;
        BaseModelRegistry.Lease lease = null;
        try {
            String ref = session.baseModel();
            if (registry.status(ref).state() != BaseModelRegistry.State.READY) {
                sink.emit(ChatEvent.status("loading", "Loading model " + ref + "…"));
            }
            lease = await(registry.lease(ref), ref, turn);
            if (lease == null || !enterGate(lease.model(), turn, sink)) {
                stoppedBeforeStart(pending, sink);
                return;
            }
            GenerationResult[] results = new GenerationResult[session.columns().size()];
            try {
                List<Integer> shared = new ArrayList<>();
                List<SideBySideGenerator.Column> rows = rows(session, lease.model(), shared);
                sink.emit(ChatEvent.status("generating", "Generating…"));
                List<GenerationResult> sharedResults = new SideBySideGenerator(lease.model())
                        .generate(rows, pending.sampling,
                                (row, delta) -> sink.emit(ChatEvent.token(shared.get(row), delta)), turn::isCancelled);
                for (int i = 0; i < shared.size(); i++) {
                    results[shared.get(i)] = sharedResults.get(i);
                }
            } finally {
                ModelGate.leave(lease.model());
            }
            for (ChatColumn column : session.columns()) {
                if (results[column.index()] == null) {
                    results[column.index()] = column.tuned().partial()
                            ? generateWithPartialWeights(column, lease.model(), pending, sink)
                            : generateWithOwnWeights(column, pending, sink);
                }
            }
            for (int i = 0; i < results.length; i++) {
                GenerationResult r = results[i];
                session.columns().get(i).memory().add(AiMessage.from(r.text()));
                sink.emit(ChatEvent.done(i, r.finishReason().name(), r.tokenIds().length, r.promptTokens(), r.text()));
            }
        } catch (RuntimeException e) {
            restore(session, pending.snapshots);
            String message = describe(e);
            Log.warnf("Chat %s failed: %s", session.id(), message);
            sink.emit(ChatEvent.error(message));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            restore(session, pending.snapshots);
            sink.emit(ChatEvent.error("The chat was interrupted because the server is shutting down."));
        } finally {
            if (lease != null) {
                lease.close();
            }
            session.end(turn);
        }
    }

    /**
     * A fully fine-tuned run has weights of its own, so its column is generated in a pass of its own over that
     * model (loaded and shared like a base model) after the batched pass over the base weights.
     */
    private GenerationResult generateWithOwnWeights(ChatColumn column, PendingTurn pending, Sink sink)
            throws InterruptedException {
        String ref = column.tuned().modelDir().toString();
        ChatSession.Turn turn = pending.turn;
        BaseModelRegistry.Lease own = await(registry.lease(ref), ref, turn);
        if (own == null) {
            return cancelledResult();
        }
        try {
            if (!enterGate(own.model(), turn, sink)) {
                return cancelledResult();
            }
            try {
                SideBySideGenerator.Column row = new SideBySideGenerator.Column(column.memory().messages(), null);
                return new SideBySideGenerator(own.model()).generate(List.of(row), pending.sampling,
                        (r, delta) -> sink.emit(ChatEvent.token(column.index(), delta)), turn::isCancelled).get(0);
            } finally {
                ModelGate.leave(own.model());
            }
        } finally {
            own.close();
        }
    }

    /**
     * A partial run (top layers, feature extraction) is the base with some tensors replaced: its column is generated
     * in a pass of its own over a model that shares the leased base's unchanged weights.
     */
    private GenerationResult generateWithPartialWeights(ChatColumn column, LanguageModel base, PendingTurn pending,
                                                        Sink sink) throws InterruptedException {
        LanguageModel tuned;
        try {
            tuned = partialModels.get(base, column.tuned().partialDir());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The weights of " + column.tuned().label() + " ("
                    + column.tuned().partialDir() + ") could not be loaded: " + e.getMessage(), e);
        }
        ChatSession.Turn turn = pending.turn;
        if (!enterGate(tuned, turn, sink)) {
            return cancelledResult();
        }
        try {
            SideBySideGenerator.Column row = new SideBySideGenerator.Column(column.memory().messages(), null);
            return new SideBySideGenerator(tuned).generate(List.of(row), pending.sampling,
                    (r, delta) -> sink.emit(ChatEvent.token(column.index(), delta)), turn::isCancelled).get(0);
        } finally {
            ModelGate.leave(tuned);
        }
    }

    private static GenerationResult cancelledResult() {
        return new GenerationResult(new long[0], "", GenerationResult.FinishReason.CANCELLED, 0, 0, 0);
    }

    /** The columns that share the base weights in one pass (the base and LoRA runs), with their indexes in {@code shared}. */
    private List<SideBySideGenerator.Column> rows(ChatSession session, LanguageModel model, List<Integer> shared) {
        List<SideBySideGenerator.Column> rows = new ArrayList<>();
        for (ChatColumn column : session.columns()) {
            if (!column.isBase() && column.tuned().ownWeights()) {
                continue;
            }
            shared.add(column.index());
            LoraAdapter adapter = null;
            if (!column.isBase()) {
                try {
                    adapter = adapters.get(model, column.tuned().adapterDir());
                } catch (IOException | RuntimeException e) {
                    throw new IllegalStateException("The adapter of " + column.tuned().label() + " ("
                            + column.tuned().adapterDir() + ") could not be loaded: " + e.getMessage(), e);
                }
            }
            rows.add(new SideBySideGenerator.Column(column.memory().messages(), adapter));
        }
        return rows;
    }

    /** Waits for the model's turn, telling the client when another chat is using it. */
    private static boolean enterGate(LanguageModel model, ChatSession.Turn turn, Sink sink) throws InterruptedException {
        return ModelGate.enter(model, turn::isCancelled,
                () -> sink.emit(ChatEvent.status("waiting", "Waiting for another chat on this model to finish…")));
    }

    /** The lease once the model is loaded, or null when the turn was stopped first (the lease is then given back). */
    private static BaseModelRegistry.Lease await(CompletableFuture<BaseModelRegistry.Lease> future, String ref,
                                                 ChatSession.Turn turn) throws InterruptedException {
        while (true) {
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (turn.isCancelled()) {
                    future.thenAccept(BaseModelRegistry.Lease::close);
                    return null;
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("The base model " + ref + " could not be loaded: " + describe(e.getCause()), e);
            }
        }
    }

    private static void stoppedBeforeStart(PendingTurn pending, Sink sink) {
        restore(pending.session, pending.snapshots);
        sink.emit(ChatEvent.status("stopped", "Stopped before the model answered."));
        for (ChatColumn column : pending.session.columns()) {
            sink.emit(ChatEvent.done(column.index(), GenerationResult.FinishReason.CANCELLED.name(), 0, 0, ""));
        }
    }

    private static List<List<ChatMessage>> snapshot(ChatSession session) {
        return session.columns().stream().map(c -> List.copyOf(c.memory().messages())).toList();
    }

    private static void restore(ChatSession session, List<List<ChatMessage>> snapshots) {
        for (int i = 0; i < snapshots.size(); i++) {
            session.columns().get(i).replace(snapshots.get(i));
        }
    }

    /** A sentence for the person chatting, without the wrapper exceptions. */
    static String describe(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException
                || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ModelNotInstalledException || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException) {
            return cause.getMessage();
        }
        return "Generation failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    @PreDestroy
    void shutdown() {
        workers.shutdownNow();
    }
}
