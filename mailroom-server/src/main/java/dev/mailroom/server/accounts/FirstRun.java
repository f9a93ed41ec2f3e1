package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.DataDirectory;
import dev.mailroom.server.Role;
import dev.mailroom.server.SignInHint;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first start of an installation: when nobody can sign in yet, creates the platform operator
 * ({@code mailroom.accounts.first-operator.email}), owner of the first organization too, and shows
 * the sign-in once (a generated password unless one is configured). Also writes the configured keys'
 * rows and, once per installation, the internal key's ({@link InternalKey}). In a process that starts before the database has its tables (an API process whose operator
 * has not migrated yet) it tries again every few seconds.
 */
@Component
@ConditionalOnRole(Role.API)
class FirstRun implements ApplicationRunner, SignInHint, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(FirstRun.class);

    private final UserStore users;
    private final KeyStore keys;
    private final ConfiguredKeys configured;
    private final InternalKey internalKey;
    private final AccountsProperties.FirstOperator operator;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final AtomicReference<String> signIn = new AtomicReference<>();
    private ScheduledExecutorService retries;

    FirstRun(
            UserStore users,
            KeyStore keys,
            ConfiguredKeys configured,
            InternalKey internalKey,
            AccountsProperties properties,
            @Qualifier(AccountsDatabase.POOL) TransactionTemplate transactions,
            Clock clock) {
        this.users = users;
        this.keys = keys;
        this.configured = configured;
        this.internalKey = internalKey;
        this.operator = properties.firstOperator();
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!tryOnce()) {
            retries = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "mailroom-first-run");
                thread.setDaemon(true);
                return thread;
            });
            retries.scheduleWithFixedDelay(
                    () -> {
                        if (tryOnce()) {
                            retries.shutdown();
                        }
                    },
                    2,
                    2,
                    TimeUnit.SECONDS);
        }
    }

    @Override
    public Optional<String> signInForDisplay() {
        return Optional.ofNullable(signIn.get());
    }

    boolean tryOnce() {
        try {
            configured.rows().forEach(r -> keys.upsertConfigured(r.row(), r.hash(), r.publicId()));
            internalKey.ensure();
            createFirstOperator();
            return true;
        } catch (RuntimeException e) {
            log.debug("Accounts not ready yet ({}); trying again", e.toString());
            return false;
        }
    }

    private void createFirstOperator() {
        if (users.countUsers() > 0) {
            return;
        }
        String email = SignIns.normalize(operator.email());
        boolean generated = operator.password() == null || operator.password().isBlank();
        String password = generated ? DataDirectory.randomSecret("").substring(0, 24) : operator.password();
        Instant now = clock.instant();
        UserStore.UserRow user = new UserStore.UserRow(
                UUID.randomUUID(), email, "Platform operator", Passwords.hash(password), true, 0, null, now);
        boolean created = Boolean.TRUE.equals(transactions.execute(t -> {
            if (!users.insertUser(user)) {
                return false;
            }
            users.insertMembership(Accounts.FIRST_ORGANIZATION, user.id(), MemberRole.OWNER, now);
            return true;
        }));
        if (created) {
            String text = email + " / "
                    + (generated
                            ? password + "   (shown once: change it after signing in)"
                            : "(the configured password)");
            signIn.set(text);
            log.info("Created the platform operator {} (owner of the first organization)", email);
            if (retries != null) {
                // Past the start-up banner: the sign-in is shown here instead, once.
                log.info("\n\n  Sign in:  {}\n", text);
            }
        }
    }

    @Override
    public void destroy() {
        if (retries != null) {
            retries.shutdownNow();
        }
    }
}
