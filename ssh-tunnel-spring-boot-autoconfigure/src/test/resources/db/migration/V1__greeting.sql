create table greeting (id int primary key, text varchar(100));
insert into greeting values (1, 'Hello through the SSH tunnel');
