package dev.floe.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The membership bookkeeping behind thesis ch. 4 and paper §6: the CONFIG entry's payload, the
 * history of configurations in the log (the latest one is in force, committed or not), and the
 * planning of a change (one voter at a time directly, more through a joint configuration).
 */
class MembershipRecordsTest {
    private static TreeSet<NodeId> ids(String... names) {
        TreeSet<NodeId> out = new TreeSet<>();
        for (String n : names) out.add(NodeId.of(n));
        return out;
    }

    private static ClusterConfig plain(TreeSet<NodeId> voters, TreeSet<NodeId> learners) {
        return new ClusterConfig(voters, new TreeSet<>(), learners);
    }

    @Test
    void aConfigEntryCarriesItsConfigurationAndContextExactly_thesis4_1() {
        ClusterConfig joint = new ClusterConfig(ids("n1", "n2", "n4"), ids("n1", "n2", "n3"), ids("n5"));
        // The server puts every member's addresses in the context: often more than a few bytes.
        Bytes addresses = Bytes.utf8("n1=10.0.0.1:7000,n2=10.0.0.2:7000,n3=10.0.0.3:7000,n4=10.0.0.4:7000,n5=10.0.0.5:7000");
        ConfigEntry decoded = ConfigEntry.decode(12, ConfigEntry.encode(joint, addresses));
        assertThat(decoded).isEqualTo(new ConfigEntry(12, joint, addresses));
        ConfigEntry bare = ConfigEntry.decode(3, ConfigEntry.encode(ClusterConfig.ofVoters("n1"), Bytes.EMPTY));
        assertThat(bare).isEqualTo(new ConfigEntry(3, ClusterConfig.ofVoters("n1"), Bytes.EMPTY));
        assertThatThrownBy(() -> ConfigEntry.decode(4, Bytes.utf8("not a configuration"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLatestConfigurationInTheLogIsInForceAndAnOverwriteOrSnapshotReplacesIt_thesis4_1() {
        ConfigEntry base = new ConfigEntry(0, ClusterConfig.ofVoters("n1", "n2", "n3"), Bytes.EMPTY);
        ConfigEntry add = new ConfigEntry(5, plain(ids("n1", "n2", "n3"), ids("n4")), Bytes.EMPTY);
        ConfigEntry remove = new ConfigEntry(8, plain(ids("n1", "n2"), ids("n4")), Bytes.EMPTY);
        ConfigHistory history = new ConfigHistory(base);
        history.append(add);
        history.append(remove);
        assertThat(history.current()).isEqualTo(remove);
        assertThat(history.atOrBefore(7)).isEqualTo(add);
        assertThatThrownBy(() -> history.append(new ConfigEntry(8, ClusterConfig.ofVoters("n1"), Bytes.EMPTY)))
                .as("one configuration per index, in log order").isInstanceOf(IllegalStateException.class);
        assertThat(history.truncateFrom(9)).as("nothing at or after 9").isFalse();
        assertThat(history.truncateFrom(8)).isTrue();
        assertThat(history.current()).isEqualTo(add);
        ConfigEntry snapshot = new ConfigEntry(20, ClusterConfig.ofVoters("n1", "n2", "n3", "n4"), Bytes.EMPTY);
        history.resetTo(snapshot);
        assertThat(history.current()).as("the snapshot's configuration replaces every older one").isEqualTo(snapshot);
        assertThat(history.atOrBefore(6)).isEqualTo(snapshot);
    }

    @Test
    void aChangeIsPlannedOnlyFromAndToAPlainConfiguration_section6() {
        ClusterConfig three = ClusterConfig.ofVoters("n1", "n2", "n3");
        ClusterConfig joint = new ClusterConfig(ids("n1", "n2", "n4"), ids("n1", "n2", "n3"), new TreeSet<>());
        assertThat(ConfigChangeRules.plan(joint, three)).as("still leaving a joint configuration")
                .isInstanceOf(ConfigChangeRules.Result.Invalid.class);
        assertThat(ConfigChangeRules.plan(three, joint)).as("a joint target").isInstanceOf(ConfigChangeRules.Result.Invalid.class);
        assertThat(ConfigChangeRules.plan(three, plain(new TreeSet<>(), ids("n1")))).isInstanceOf(ConfigChangeRules.Result.Invalid.class);
        assertThat(ConfigChangeRules.plan(three, three)).isInstanceOf(ConfigChangeRules.Result.Invalid.class);
        assertThat(ConfigChangeRules.plan(three, plain(ids("n1", "n2"), ids("n3")))).as("voter to learner in one step")
                .isInstanceOf(ConfigChangeRules.Result.Invalid.class);
        assertThat(ConfigChangeRules.plan(three, ClusterConfig.ofVoters("n1", "n2", "n3", "n4")))
                .isEqualTo(new ConfigChangeRules.Result.Direct(ClusterConfig.ofVoters("n1", "n2", "n3", "n4")));
        assertThat(ConfigChangeRules.plan(three, plain(ids("n1", "n2", "n4"), ids("n5"))))
                .isEqualTo(new ConfigChangeRules.Result.Joint(new ClusterConfig(ids("n1", "n2", "n4"), ids("n1", "n2", "n3"), ids("n5"))));
    }
}
