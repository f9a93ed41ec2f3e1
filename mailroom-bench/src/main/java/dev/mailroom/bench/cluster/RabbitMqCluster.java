package dev.mailroom.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three RabbitMQ nodes clustered on this machine, each in a network namespace of its own (issue 15), for the fault
 * suite's cluster scenarios. Node {@code k} is {@code rabbit-ck@mrck} at {@code 10.213.77.k} (AMQP 5672, inter-node
 * 25672, its own epmd) in the namespace {@code mrc-nk}, whose veth pair ({@code mrc-vk} here, {@code mrc-vkp} inside)
 * hangs on the bridge {@code mrc-br} (10.213.77.254, this namespace's way in). Taking {@code mrc-vk} down cuts node
 * {@code k} off from the other nodes and from every client: a network partition.
 *
 * <p>Nodes run as the {@code rabbitmq} user (its Erlang cookie in {@code /var/lib/rabbitmq}), with data and logs
 * under {@code dir/ck}, partition handling {@code pause_minority} (a node that sees fewer than half of the cluster
 * stops serving until it sees the others again) and an Erlang tick time of {@value #NET_TICKTIME_SECONDS} s, so a cut
 * node is noticed within about that long. Each namespace's {@code /etc/netns/mrc-nk/hosts} (mounted over
 * {@code /etc/hosts} by {@code ip netns exec}) names the three nodes. Needs root. {@link #close()} kills every process
 * left in the namespaces and deletes the namespaces, the bridge and the hosts files, and a run begins by removing what
 * an interrupted one left.
 */
public final class RabbitMqCluster implements AutoCloseable {
    public static final int NODES = 3;
    static final String SUBNET = "10.213.77";
    static final int AMQP_PORT = 5672;
    static final int DIST_PORT = 25672;
    static final int NET_TICKTIME_SECONDS = 10;
    private static final String BRIDGE = "mrc-br";
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** One node: its Erlang name, host name, address, namespace, the veth end on the bridge and its directory. */
    public record Node(int index, String erlangName, String host, String ip, String netns, String link, Path dir) {
        public String address() {
            return ip + ":" + AMQP_PORT;
        }

        Path pidFile() {
            return dir.resolve("pid");
        }

        @Override
        public String toString() {
            return "c" + index;
        }
    }

    private final Path dir;
    private final String user;
    private final String password;
    private final PrintStream out;
    private final List<Node> nodes = new ArrayList<>();

    private RabbitMqCluster(Path dir, String user, String password, PrintStream out) {
        this.dir = dir.toAbsolutePath();
        this.user = user;
        this.password = password;
        this.out = out;
        for (int k = 1; k <= NODES; k++) {
            nodes.add(new Node(
                    k,
                    "rabbit-c" + k + "@mrc" + k,
                    "mrc" + k,
                    SUBNET + "." + k,
                    "mrc-n" + k,
                    "mrc-v" + k,
                    this.dir.resolve("c" + k)));
        }
    }

    /**
     * Sets up the network, starts the three nodes, clusters them and creates {@code user} (every right on
     * {@code vhost}). On failure everything made so far is removed again.
     */
    public static RabbitMqCluster start(Path dir, String user, String password, String vhost, PrintStream out)
            throws IOException, InterruptedException {
        RabbitMqCluster cluster = new RabbitMqCluster(dir, user, password, out);
        try {
            cluster.removeLeftovers();
            // A node's data from an earlier run would bring back that run's cluster and queues.
            Shell.run(CTL_TIMEOUT, "rm", "-rf", cluster.dir.toString());
            cluster.network();
            for (Node node : cluster.nodes) {
                cluster.prepare(node);
            }
            // Each node has its own namespace and epmd: they boot side by side.
            for (Node node : cluster.nodes) {
                cluster.launch(node);
            }
            for (Node node : cluster.nodes) {
                cluster.awaitStartup(node, START_TIMEOUT);
            }
            Node first = cluster.nodes.get(0);
            for (Node node : cluster.nodes.subList(1, NODES)) {
                cluster.ctlOk(node, "stop_app");
                cluster.ctlOk(node, "join_cluster", first.erlangName());
                cluster.ctlOk(node, "start_app");
            }
            cluster.ctlOk(first, "add_user", user, password);
            cluster.ctlOk(first, "set_user_tags", user, "administrator");
            cluster.recreateVhost(vhost);
            cluster.awaitRunning(NODES, START_TIMEOUT);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int index) {
        return nodes.get(index - 1);
    }

    /** {@code host:port} of every node, in order: what {@code spring.rabbitmq.addresses} is given. */
    public List<String> addresses() {
        return nodes.stream().map(Node::address).toList();
    }

    /** The same addresses, {@code first} first, then the others in order. */
    public List<String> addressesStartingWith(Node first) {
        List<String> ordered = new ArrayList<>(List.of(first.address()));
        nodes.stream().filter(n -> n != first).map(Node::address).forEach(ordered::add);
        return ordered;
    }

    /** The broker a scenario's processes and client are given: node 1's address, all three as the address list. */
    public Broker broker(String vhost) {
        Node first = nodes.get(0);
        return new Broker(first.ip(), AMQP_PORT, user, password, vhost, true, addresses());
    }

    /** Deletes the vhost (and every queue in it) if present and creates it again, with every right for the user. */
    public void recreateVhost(String vhost) {
        Node any = anyRunning();
        ctl(any, "delete_vhost", vhost);
        ctlOk(any, "add_vhost", vhost);
        ctlOk(any, "set_permissions", "-p", vhost, user, ".*", ".*", ".*");
    }

    /** {@code kill -9} of the node's Erlang VM (a crash: no goodbye to the cluster or to clients). */
    public void kill9(Node node) throws InterruptedException {
        long pid = pid(node);
        Shell.run(Duration.ofSeconds(10), "kill", "-9", Long.toString(pid));
        awaitGone(pid, Duration.ofSeconds(30));
    }

    /** A clean stop ({@code rabbitmqctl stop}): the node leaves and its VM exits. */
    public void stop(Node node) throws InterruptedException {
        long pid = pid(node);
        ctlOk(node, "stop");
        awaitGone(pid, Duration.ofSeconds(60));
    }

    /** Starts a node that was killed or stopped and waits until it has booted and runs in the cluster again. */
    public void restart(Node node) throws IOException, InterruptedException {
        launch(node);
        awaitStartup(node, START_TIMEOUT);
        awaitRunning(NODES, START_TIMEOUT);
    }

    /** Cuts the node's only link: nothing reaches it and it reaches nothing, while it keeps running. */
    public void cut(Node node) {
        ip("link", "set", node.link(), "down");
    }

    public void heal(Node node) {
        ip("link", "set", node.link(), "up");
    }

    /** Waits until {@code count} nodes run in the cluster, as a running node sees it. */
    public void awaitRunning(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            // Every node's own app running (a node paused by pause_minority answers ping but not this), and the
            // cluster seen whole.
            Node down = nodes.stream().filter(n -> !appRunning(n)).findFirst().orElse(null);
            if (down != null) {
                last = down + " is not running its app yet";
            } else {
                Shell.Result status = ctl(nodes.get(0), "cluster_status", "--formatter", "json");
                last = status.output();
                Matcher running = Pattern.compile("\"running_nodes\"\\s*:\\s*\\[([^\\]]*)\\]")
                        .matcher(last);
                if (status.ok()
                        && running.find()
                        && !running.group(1).isBlank()
                        && running.group(1).split(",").length >= count) {
                    return;
                }
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException(
                "not " + count + " running nodes within " + timeout.toSeconds() + " s; last: " + last);
    }

    private boolean appRunning(Node node) {
        return ctl(node, "-q", "await_startup", "--timeout", "5").ok();
    }

    /** The node leading each quorum queue of the vhost, by queue name (as a running node reports it). */
    public Map<String, Node> leaders(String vhost) {
        Map<String, Node> leaders = new LinkedHashMap<>();
        // The first node that answers (one paused by pause_minority, or down, does not).
        Shell.Result listed = null;
        for (Node node : nodes) {
            listed = ctl(node, "list_queues", "-p", vhost, "name", "leader", "--formatter", "json");
            if (listed.ok()) {
                break;
            }
        }
        if (listed == null || !listed.ok()) {
            return leaders;
        }
        Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"leader\"\\s*:\\s*\"([^\"]*)\"")
                .matcher(listed.output());
        while (m.find()) {
            String leader = m.group(2);
            String queue = m.group(1);
            nodes.stream()
                    .filter(n -> n.erlangName().equals(leader))
                    .findFirst()
                    .ifPresent(n -> leaders.put(queue, n));
        }
        return leaders;
    }

    /** The nodes each process (by PID) holds an established AMQP connection to, read from {@code ss}. */
    public Map<Long, Set<Node>> connectionsByPid() {
        Shell.Result ss = Shell.run(Duration.ofSeconds(10), "ss", "-Htnp", "state", "established");
        Map<Long, Set<Node>> byPid = new HashMap<>();
        // Java's sockets show as IPv4-mapped: [::ffff:10.213.77.2]:5672.
        Pattern peer = Pattern.compile(Pattern.quote(SUBNET + ".") + "(\\d+)\\]?:" + AMQP_PORT + "\\b.*?pid=(\\d+)");
        for (String line : ss.output().lines().toList()) {
            Matcher m = peer.matcher(line);
            if (m.find()) {
                int index = Integer.parseInt(m.group(1));
                if (index >= 1 && index <= NODES) {
                    byPid.computeIfAbsent(Long.parseLong(m.group(2)), p -> new LinkedHashSet<>())
                            .add(nodes.get(index - 1));
                }
            }
        }
        return byPid;
    }

    /** Every node's log directory, for a failing scenario's notes. */
    public Path logDir(Node node) {
        return node.dir().resolve("log");
    }

    /** Kills what runs in the namespaces (the nodes, their epmd), deletes the namespaces, the bridge and the hosts files. */
    @Override
    public void close() {
        for (Node node : nodes) {
            try {
                if (Files.exists(node.pidFile())) {
                    Shell.run(Duration.ofSeconds(10), "kill", "-9", Long.toString(pid(node)));
                }
            } catch (RuntimeException ignored) {
                // No pid file: the node never started.
            }
        }
        removeLeftovers();
    }

    private void removeLeftovers() {
        for (Node node : nodes) {
            Shell.Result pids = Shell.run(Duration.ofSeconds(10), "ip", "netns", "pids", node.netns());
            if (pids.ok()) {
                for (String pid : pids.output()
                        .lines()
                        .map(String::trim)
                        .filter(s -> s.matches("\\d+"))
                        .toList()) {
                    Shell.run(Duration.ofSeconds(10), "kill", "-9", pid);
                }
                Shell.run(Duration.ofSeconds(10), "ip", "netns", "del", node.netns());
            }
            Shell.run(Duration.ofSeconds(10), "ip", "link", "del", node.link());
            Shell.run(Duration.ofSeconds(10), "rm", "-rf", "/etc/netns/" + node.netns());
        }
        Shell.run(Duration.ofSeconds(10), "ip", "link", "del", BRIDGE);
    }

    private void network() throws IOException {
        ip("link", "add", BRIDGE, "type", "bridge");
        ip("addr", "add", SUBNET + ".254/24", "dev", BRIDGE);
        ip("link", "set", BRIDGE, "up");
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
        Shell.Result hostname = Shell.run(Duration.ofSeconds(5), "hostname");
        if (hostname.ok() && !hostname.output().isBlank()) {
            hosts.append("127.0.1.1 ").append(hostname.output().trim()).append('\n');
        }
        for (Node node : nodes) {
            hosts.append(node.ip()).append(' ').append(node.host()).append('\n');
        }
        for (Node node : nodes) {
            ip("netns", "add", node.netns());
            ip("link", "add", node.link(), "type", "veth", "peer", "name", node.link() + "p");
            ip("link", "set", node.link() + "p", "netns", node.netns());
            ip("link", "set", node.link(), "master", BRIDGE);
            ip("link", "set", node.link(), "up");
            ip("-n", node.netns(), "addr", "add", node.ip() + "/24", "dev", node.link() + "p");
            ip("-n", node.netns(), "link", "set", "lo", "up");
            ip("-n", node.netns(), "link", "set", node.link() + "p", "up");
            Path etc = Path.of("/etc/netns", node.netns());
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("hosts"), hosts.toString());
        }
    }

    private void prepare(Node node) throws IOException {
        Files.createDirectories(node.dir().resolve("mnesia"));
        Files.createDirectories(node.dir().resolve("log"));
        Files.writeString(node.dir().resolve("enabled_plugins"), "[].\n");
        Files.writeString(node.dir().resolve("rabbitmq-env.conf"), "");
        Files.writeString(
                node.dir().resolve("rabbitmq.conf"),
                String.join(
                        "\n",
                        "listeners.tcp.default = " + node.ip() + ":" + AMQP_PORT,
                        "cluster_partition_handling = pause_minority",
                        ""));
        Shell.Result owned = Shell.run(
                CTL_TIMEOUT, "chown", "-R", "rabbitmq:rabbitmq", node.dir().toString());
        if (!owned.ok()) {
            throw new IllegalStateException("chown " + node.dir() + " failed: " + owned.output());
        }
    }

    private Map<String, String> env(Node node) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", "/var/lib/rabbitmq");
        env.put("RABBITMQ_NODENAME", node.erlangName());
        env.put("RABBITMQ_NODE_IP_ADDRESS", node.ip());
        env.put("RABBITMQ_NODE_PORT", Integer.toString(AMQP_PORT));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(DIST_PORT));
        env.put("RABBITMQ_MNESIA_BASE", node.dir().resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", node.dir().resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", node.pidFile().toString());
        env.put(
                "RABBITMQ_ENABLED_PLUGINS_FILE",
                node.dir().resolve("enabled_plugins").toString());
        env.put("RABBITMQ_CONFIG_FILE", node.dir().resolve("rabbitmq.conf").toString());
        env.put(
                "RABBITMQ_CONF_ENV_FILE",
                node.dir().resolve("rabbitmq-env.conf").toString());
        env.put(
                "RABBITMQ_ADVANCED_CONFIG_FILE",
                node.dir().resolve("advanced.config").toString());
        env.put("ERL_EPMD_ADDRESS", node.ip());
        env.put(
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
                "-kernel inet_dist_use_interface {" + node.ip().replace('.', ',') + "} -kernel net_ticktime "
                        + NET_TICKTIME_SECONDS);
        return env;
    }

    private void launch(Node node) {
        Shell.Result started = inNamespace(node, Duration.ofSeconds(60), "rabbitmq-server", "-detached");
        if (!started.ok()) {
            throw new IllegalStateException(node + ": rabbitmq-server -detached failed: " + started.output());
        }
    }

    /** Right after a start, {@code await_startup} fails at once (the node is not registered yet): retried. */
    private void awaitStartup(Node node, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Shell.Result last = null;
        while (System.nanoTime() < deadline) {
            last = ctl(node, "await_startup", "--timeout", "30");
            if (last.ok()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(node + " did not start within " + timeout.toSeconds() + " s: "
                + (last == null ? "" : last.output()) + " (log: " + logDir(node) + ")");
    }

    private long pid(Node node) {
        try {
            return Long.parseLong(Files.readString(node.pidFile()).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException(node + ": no pid in " + node.pidFile(), e);
        }
    }

    private static void awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("process " + pid + " still alive after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    private Node anyRunning() {
        for (Node node : nodes) {
            if (appRunning(node)) {
                return node;
            }
        }
        throw new IllegalStateException("no node of the cluster answers");
    }

    private Shell.Result ctlOk(Node node, String... args) {
        Shell.Result result = ctl(node, args);
        if (!result.ok()) {
            throw new IllegalStateException(
                    node + ": rabbitmqctl " + String.join(" ", args) + " failed: " + result.output());
        }
        return result;
    }

    /** rabbitmqctl against the node, run inside its namespace as the rabbitmq user. */
    Shell.Result ctl(Node node, String... args) {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-n", node.erlangName()));
        command.addAll(List.of(args));
        return inNamespace(node, CTL_TIMEOUT, command.toArray(String[]::new));
    }

    private Shell.Result inNamespace(Node node, Duration timeout, String... command) {
        List<String> full =
                new ArrayList<>(List.of("ip", "netns", "exec", node.netns(), "runuser", "-u", "rabbitmq", "--", "env"));
        env(node).forEach((k, v) -> full.add(k + "=" + v));
        full.addAll(List.of(command));
        return Shell.run(timeout, full.toArray(String[]::new));
    }

    private static void ip(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Shell.Result result = Shell.run(Duration.ofSeconds(15), command);
        if (!result.ok()) {
            throw new IllegalStateException("ip " + String.join(" ", args) + " failed: " + result.output());
        }
    }
}
