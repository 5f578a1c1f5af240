package io.github.sshtunnel.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application. Its database is reached through the SSH tunnel that the starter
 * opens from {@code ssh.tunnel.*} in {@code application.yaml}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
