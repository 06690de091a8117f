/*
 * Shows what librdkafka's mock cluster does with transactions: commits a
 * transaction with input offsets, aborts one, commits another, then prints
 * the group's committed offset and what read_committed and
 * read_uncommitted readers see. With librdkafka 2.0.2 every call succeeds,
 * the committed offset stays unset (-1001) and both readers see the
 * aborted message, so the mock cannot show exactly-once delivery.
 *
 *   gcc mock-transactions.c -o /tmp/mock-transactions $(pkg-config --cflags --libs rdkafka)
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <string.h>

static void report(const char *call, rd_kafka_error_t *error) {
    if (error) {
        printf("%s failed: %s (%s)\n", call, rd_kafka_error_string(error), rd_kafka_err2name(rd_kafka_error_code(error)));
        rd_kafka_error_destroy(error);
    } else {
        printf("%s succeeded\n", call);
    }
}

static rd_kafka_t *client(rd_kafka_type_t type, const char *brokers, const char *name, const char *value) {
    char text[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers, text, sizeof text);
    /* A consumer needs a group id even when partitions are assigned directly. */
    if (type == RD_KAFKA_CONSUMER) rd_kafka_conf_set(conf, "group.id", "reader", text, sizeof text);
    rd_kafka_conf_set(conf, name, value, text, sizeof text);
    return rd_kafka_new(type, conf, text, sizeof text);
}

static void produce(rd_kafka_t *producer, const char *value) {
    rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("out"), RD_KAFKA_V_VALUE((void *)value, strlen(value)), RD_KAFKA_V_END);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char text[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", text, sizeof text);
    rd_kafka_t *owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, text, sizeof text);
    rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(owner, 1);
    const char *brokers = rd_kafka_mock_cluster_bootstraps(cluster);
    rd_kafka_mock_topic_create(cluster, "in", 1, 1);
    rd_kafka_mock_topic_create(cluster, "out", 1, 1);
    printf("librdkafka %s, mock cluster at %s\n", rd_kafka_version_str(), brokers);

    /* A group member, for the consumer group metadata of send_offsets_to_transaction. */
    rd_kafka_t *consumer = client(RD_KAFKA_CONSUMER, brokers, "group.id", "relay");
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, "in", RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(consumer, topics);
    for (int poll = 0; poll < 100; poll++) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
        if (message) rd_kafka_message_destroy(message);
        rd_kafka_topic_partition_list_t *assignment = NULL;
        rd_kafka_assignment(consumer, &assignment);
        int assigned = assignment->cnt;
        rd_kafka_topic_partition_list_destroy(assignment);
        if (assigned > 0) break;
    }

    rd_kafka_t *producer = client(RD_KAFKA_PRODUCER, brokers, "transactional.id", "mock-check");
    report("init_transactions", rd_kafka_init_transactions(producer, 10000));
    report("begin_transaction", rd_kafka_begin_transaction(producer));
    produce(producer, "committed-1");
    rd_kafka_consumer_group_metadata_t *metadata = rd_kafka_consumer_group_metadata(consumer);
    rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(offsets, "in", 0)->offset = 5;
    report("send_offsets_to_transaction (in/0 at 5)", rd_kafka_send_offsets_to_transaction(producer, offsets, metadata, 10000));
    report("commit_transaction", rd_kafka_commit_transaction(producer, 10000));
    report("begin_transaction", rd_kafka_begin_transaction(producer));
    produce(producer, "aborted");
    rd_kafka_flush(producer, 5000);
    report("abort_transaction", rd_kafka_abort_transaction(producer, 10000));
    report("begin_transaction", rd_kafka_begin_transaction(producer));
    produce(producer, "committed-2");
    report("commit_transaction", rd_kafka_commit_transaction(producer, 10000));

    rd_kafka_topic_partition_list_t *committed = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(committed, "in", 0)->offset = RD_KAFKA_OFFSET_INVALID;
    rd_kafka_resp_err_t result = rd_kafka_committed(consumer, committed, 5000);
    printf("committed offset of group relay on in/0: %lld (%s; 5 expected)\n", (long long)committed->elems[0].offset,
           rd_kafka_err2name(result));

    const char *levels[] = {"read_committed", "read_uncommitted"};
    for (int level = 0; level < 2; level++) {
        rd_kafka_t *reader = client(RD_KAFKA_CONSUMER, brokers, "isolation.level", levels[level]);
        rd_kafka_topic_partition_list_t *assignment = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(assignment, "out", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(reader, assignment);
        printf("%s reader sees:", levels[level]);
        int empty = 0;
        while (empty < 10) {
            rd_kafka_message_t *message = rd_kafka_consumer_poll(reader, 100);
            if (!message) { empty++; continue; }
            if (!message->err) printf(" %.*s@%lld", (int)message->len, (char *)message->payload, (long long)message->offset);
            rd_kafka_message_destroy(message);
        }
        printf("\n");
        rd_kafka_consumer_close(reader);
        rd_kafka_destroy(reader);
    }
    return 0;
}
