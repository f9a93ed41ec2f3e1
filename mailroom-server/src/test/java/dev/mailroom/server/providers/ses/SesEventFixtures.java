package dev.mailroom.server.providers.ses;

/**
 * SES event records as SES publishes them to SNS (the {@code Message} of the notification),
 * shaped after the examples in the Amazon SES Developer Guide ("Examples of event data that
 * Amazon SES publishes to Amazon SNS", and the Subscription record of the Firehose examples).
 * {@code %1$s} is the {@code mail} object, see {@link #mail}.
 */
final class SesEventFixtures {
    static final String SES_ID = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000";

    private SesEventFixtures() {}

    /** The common {@code mail} object; {@code mailroomId} null leaves our tag out (as identity notifications do). */
    static String mail(String mailroomId, String... destination) {
        return mailWithId(SES_ID, mailroomId, destination);
    }

    /** The {@code mail} object of the email SES accepted as {@code sesMessageId}. */
    static String mailWithId(String sesMessageId, String mailroomId, String... destination) {
        StringBuilder to = new StringBuilder();
        for (String d : destination) {
            to.append(to.length() == 0 ? "" : ",").append('"').append(d).append('"');
        }
        String ourTag = mailroomId == null ? "" : ",\"mailroom_id\":[\"" + mailroomId + "\"],\"welcome\":[\"true\"]";
        return """
                {"timestamp":"2026-02-28T09:59:00.000Z","source":"Example App <app@example.com>",
                 "sourceArn":"arn:aws:ses:us-east-1:123456789012:identity/example.com","sendingAccountId":"123456789012",
                 "messageId":"%s","destination":[%s],"headersTruncated":false,
                 "headers":[{"name":"From","value":"Example App <app@example.com>"},{"name":"Subject","value":"Hello"}],
                 "commonHeaders":{"from":["Example App <app@example.com>"],"messageId":"%s","subject":"Hello"},
                 "tags":{"ses:configuration-set":["mailroom"],"ses:source-ip":["192.0.2.0"],"ses:from-domain":["example.com"],
                         "ses:caller-identity":["mailroom"]%s}}
                """.formatted(sesMessageId, to, sesMessageId, ourTag);
    }

    static String send(String mail) {
        return "{\"eventType\":\"Send\",\"mail\":" + mail + ",\"send\":{}}";
    }

    static String delivery(String mail, String... recipients) {
        StringBuilder list = new StringBuilder();
        for (String r : recipients) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(r).append('"');
        }
        return """
                {"eventType":"Delivery","mail":%s,
                 "delivery":{"timestamp":"2026-02-28T09:59:12.133Z","processingTimeMillis":11893,"recipients":[%s],
                             "smtpResponse":"250 2.6.0 Message received","reportingMTA":"a8-70.smtp-out.amazonses.com"}}
                """.formatted(mail, list);
    }

    static String bounce(
            String mail, String bounceType, String bounceSubType, String recipient, String diagnosticCode) {
        return """
                {"eventType":"Bounce","mail":%s,
                 "bounce":{"bounceType":"%s","bounceSubType":"%s",
                           "bouncedRecipients":[{"emailAddress":"%s","action":"failed","status":"5.1.1","diagnosticCode":"%s"}],
                           "timestamp":"2026-02-28T09:59:30.669Z","feedbackId":"01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
                           "reportingMTA":"dsn; mta.example.org"}}
                """.formatted(mail, bounceType, bounceSubType, recipient, diagnosticCode);
    }

    static String complaint(String mail, String recipient) {
        return """
                {"eventType":"Complaint","mail":%s,
                 "complaint":{"complainedRecipients":[{"emailAddress":"%s"}],"timestamp":"2026-02-28T10:30:02.669Z",
                              "feedbackId":"01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
                              "userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36",
                              "complaintFeedbackType":"abuse","arrivalDate":"2026-02-28T10:30:02.669Z"}}
                """.formatted(mail, recipient);
    }

    static String reject(String mail) {
        return "{\"eventType\":\"Reject\",\"mail\":" + mail + ",\"reject\":{\"reason\":\"Bad content\"}}";
    }

    static String open(String mail) {
        return """
                {"eventType":"Open","mail":%s,
                 "open":{"ipAddress":"192.0.2.1","timestamp":"2026-02-28T10:05:19.652Z",
                         "userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_3 like Mac OS X) AppleWebKit/603.3.8 (KHTML, like Gecko) Mobile/14G60"}}
                """.formatted(mail);
    }

    static String click(String mail) {
        return """
                {"eventType":"Click","mail":%s,
                 "click":{"ipAddress":"192.0.2.1","link":"https://example.com/welcome?ref=email",
                          "linkTags":{"samplekey0":["samplevalue0"]},"timestamp":"2026-02-28T10:06:25.570Z",
                          "userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36"}}
                """.formatted(mail);
    }

    static String renderingFailure(String mail) {
        return """
                {"eventType":"Rendering Failure","mail":%s,
                 "failure":{"errorMessage":"Attribute 'attributeName' is not present in the rendering data.","templateName":"MyTemplate"}}
                """.formatted(mail);
    }

    static String deliveryDelay(String mail, String... recipients) {
        StringBuilder list = new StringBuilder();
        for (String r : recipients) {
            list.append(list.length() == 0 ? "" : ",").append("""
                    {"emailAddress":"%s","status":"4.4.1","diagnosticCode":"smtp; 421 4.4.1 Unable to connect to remote host"}""".formatted(r));
        }
        return """
                {"eventType":"DeliveryDelay","mail":%s,
                 "deliveryDelay":{"timestamp":"2026-02-28T10:09:40.095Z","delayType":"TransientCommunicationFailure",
                                  "expirationTime":"2026-02-28T22:09:40.914Z","delayedRecipients":[%s]}}
                """.formatted(mail, list);
    }

    static String subscription(String mail) {
        return """
                {"eventType":"Subscription","mail":%s,
                 "subscription":{"contactList":"ContactListName","timestamp":"2026-02-28T10:10:17.910Z","source":"UnsubscribeHeader",
                                 "newTopicPreferences":{"unsubscribeAll":true,
                                                        "topicSubscriptionStatus":[{"topicName":"ExampleTopicName","subscriptionStatus":"OptOut"}]},
                                 "oldTopicPreferences":{"unsubscribeAll":false,
                                                        "topicSubscriptionStatus":[{"topicName":"ExampleTopicName","subscriptionStatus":"OptOut"}]}}}
                """.formatted(mail);
    }

    /** An identity feedback notification (no configuration set): notificationType, no tags. */
    static String identityBounce(String recipient) {
        return """
                {"notificationType":"Bounce",
                 "bounce":{"bounceType":"Permanent","bounceSubType":"General","reportingMTA":"dns; email.example.com",
                           "bouncedRecipients":[{"emailAddress":"%s","status":"5.1.1","action":"failed","diagnosticCode":"smtp; 550 5.1.1 <%s>... User"}],
                           "timestamp":"2026-02-28T09:59:31.000Z","feedbackId":"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000"},
                 "mail":{"timestamp":"2026-02-28T09:59:00.000Z","messageId":"%s","source":"app@example.com",
                         "sourceArn":"arn:aws:ses:us-east-1:123456789012:identity/example.com","sourceIp":"192.0.2.0",
                         "sendingAccountId":"123456789012","callerIdentity":"mailroom","destination":["%s"]}}
                """.formatted(recipient, recipient, SES_ID, recipient);
    }
}
