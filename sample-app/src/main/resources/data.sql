merge into greeting (id, message) key (id) values
	(1, 'Hello through the SSH tunnel'),
	(2, 'This row was read over an SSH local port forward'),
	(3, 'Opened by the application itself, before the DataSource');
